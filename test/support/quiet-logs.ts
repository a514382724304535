// Loaded first by mocha: silences threadlink's logs in tests unless THREADLINK_LOG is set.
process.env.THREADLINK_LOG ??= 'silent';
