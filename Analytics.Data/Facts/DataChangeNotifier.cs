using Microsoft.Extensions.Logging;

namespace Analytics.Data.Facts;

/// <summary>New or replaced facts of a dataset: <see cref="Start"/> and <see cref="End"/> are the first and last fact times written (UTC).</summary>
public sealed record DataChange(int DatasetId, string SourceId, DateTimeOffset Start, DateTimeOffset End, long DataVersion);

/// <summary>In-process notifications of fact writes, for live updates (dashboards re-query when their data changes).</summary>
public sealed class DataChangeNotifier(ILogger<DataChangeNotifier> logger) : Notifier<DataChange>(logger);
