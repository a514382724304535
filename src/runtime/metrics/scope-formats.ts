// The scope of each component's metrics, as templates of variables. Mirrors
// Flink's ScopeFormats with its defaults (metrics.scope.jm, .tm, .jm-job,
// .tm-job, .task), e.g. `<host>.taskmanager.<tm_id>`. Not read from the
// configuration yet: the defaults are what Flink users know.

export interface ScopeFormatTemplates {
  readonly jobManager: string;
  readonly jobManagerJob: string;
  readonly taskManager: string;
  readonly taskManagerJob: string;
  readonly task: string;
}

const kDefaults: ScopeFormatTemplates = {
  jobManager: '<host>.jobmanager',
  jobManagerJob: '<host>.jobmanager.<job_name>',
  taskManager: '<host>.taskmanager.<tm_id>',
  taskManagerJob: '<host>.taskmanager.<tm_id>.<job_name>',
  task: '<host>.taskmanager.<tm_id>.<job_name>.<task_name>.<subtask_index>',
};

export class ScopeFormats {
  private constructor(readonly templates: ScopeFormatTemplates) {}

  static defaults(): ScopeFormats {
    return new ScopeFormats(kDefaults);
  }

  static of(templates: Partial<ScopeFormatTemplates>): ScopeFormats {
    return new ScopeFormats({ ...kDefaults, ...templates });
  }

  /**
   * The scope components of `template`, each `<variable>` replaced by its value.
   * A variable without a value stays as written, as in Flink.
   */
  static format(template: string, variables: Readonly<Record<string, string>>): string[] {
    return template
      .split('.')
      .map((component) => component.replace(/<([a-z_]+)>/g, (all, name: string) => variables[name] ?? all));
  }
}
