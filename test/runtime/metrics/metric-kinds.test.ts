// The metric kinds: SimpleCounter, DescriptiveStatisticsHistogram (a bounded
// window with quantiles), MeterView (events per second over its span, from an
// injected clock) — after Flink's SimpleCounterTest,
// DescriptiveStatisticsHistogramTest and MeterViewTest.

import { expect } from 'chai';

import { DescriptiveStatisticsHistogram } from '../../../src/runtime/metrics/descriptive-statistics-histogram.js';
import { MeterView } from '../../../src/runtime/metrics/meter-view.js';
import { SimpleCounter } from '../../../src/runtime/metrics/simple-counter.js';

describe('Metric kinds', () => {
  it('a SimpleCounter goes up and down (testIncDec)', () => {
    const counter = new SimpleCounter();
    counter.inc();
    counter.inc(5);
    counter.dec(2);
    expect(counter.getCount()).to.equal(4);
  });

  it('a histogram keeps only its window, counts every value, and interpolates its quantiles', () => {
    const histogram = new DescriptiveStatisticsHistogram(10);
    for (let value = 1; value <= 15; value++) histogram.update(value);
    expect(histogram.getCount()).to.equal(15);
    const stats = histogram.getStatistics();
    expect(stats.size()).to.equal(10);
    expect(stats.getMin()).to.equal(6);
    expect(stats.getMax()).to.equal(15);
    expect(stats.getMean()).to.equal(10.5);
    expect(stats.getQuantile(0.5)).to.equal(10.5);
    expect(stats.getQuantile(0)).to.equal(6);
    expect(stats.getQuantile(1)).to.equal(15);
    expect(stats.getQuantile(0.9)).to.be.closeTo(14.1, 1e-9);
    expect(stats.getStdDev()).to.be.closeTo(3.0277, 1e-4);
  });

  it("an empty histogram's statistics are NaN, and a window must hold at least one value", () => {
    const stats = new DescriptiveStatisticsHistogram(4).getStatistics();
    expect(stats.size()).to.equal(0);
    expect(Number.isNaN(stats.getQuantile(0.5))).to.equal(true);
    expect(Number.isNaN(stats.getMean())).to.equal(true);
    expect(() => new DescriptiveStatisticsHistogram(0)).to.throw(RangeError);
  });

  it('a MeterView gives the rate over its span, sampled at most every 5 s (testGetRate)', () => {
    let now = 0;
    const meter = new MeterView(new SimpleCounter(), 60, () => now);
    expect(meter.getRate()).to.equal(0);
    meter.markEvent(50);
    now = 5_000;
    expect(meter.getRate()).to.equal(10);
    meter.markEvent(100);
    now = 10_000;
    expect(meter.getRate()).to.equal(15);
    expect(meter.getCount()).to.equal(150);
    // Past the span, the oldest samples leave the window.
    now = 70_000;
    expect(meter.getRate()).to.equal(0);
  });
});
