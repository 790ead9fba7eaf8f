using System.Text.Json;
using Analytics.Domain;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Reports;

/// <summary>Evaluates cron schedules; the jobs layer gives Quartz's engine, and without it cron schedules never run.</summary>
public interface ICronEngine
{
    DateTimeOffset? Next(string expression, TimeZoneInfo zone, DateTimeOffset after);

    /// <summary>Null when the expression is valid, otherwise what is wrong with it.</summary>
    string? Validate(string expression);
}

public sealed class NoCronEngine : ICronEngine
{
    public DateTimeOffset? Next(string expression, TimeZoneInfo zone, DateTimeOffset after) => null;

    public string? Validate(string expression) => null;
}

public sealed record ScheduleRun(string ReportId, DateTimeOffset FiredFor, IReadOnlyList<string> ExecutionIds, IReadOnlyList<string> Skipped);

/// <summary>
/// Fires due report schedules (the jobs layer calls <see cref="RunDueAsync"/> every 30 seconds): for each report whose
/// next run has come, it queues executions for the window that run collects — plus the previous window(s) again to pick
/// up late data — skipping any window already collected completely (by a backfill, say), and moves the next run on.
/// Runs as the report's owner: a schedule never reads an instance its owner lost access to.
/// </summary>
public sealed class ScheduleService(
    IDbContextFactory<AnalyticsDbContext> factory,
    ExecutionQueue queue,
    ICronEngine cron,
    IOptions<ScheduleOptions> options,
    TimeProvider clock,
    ILogger<ScheduleService> logger)
{
    private Func<string, TimeZoneInfo, DateTimeOffset, DateTimeOffset?> Cron => cron.Next;

    public async Task<IReadOnlyList<ScheduleRun>> RunDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var runs = new List<ScheduleRun>();
        await using var db = await factory.CreateDbContextAsync(ct);
        var reports = await db.Reports.Where(r => r.ScheduleJson != null && (r.NextRunAt == null || r.NextRunAt <= now)).ToListAsync(ct);
        foreach (var report in reports)
        {
            var schedule = JsonSerializer.Deserialize<ReportSchedule>(report.ScheduleJson!, TemplateRules.Json)!;
            if (schedule.Paused) { report.NextRunAt = null; continue; }
            if (report.NextRunAt is null)
            {
                report.NextRunAt = schedule.NextOccurrence(now, Cron);
                continue;
            }
            var firedFor = report.NextRunAt.Value;
            try
            {
                runs.Add(await FireAsync(db, report, schedule, firedFor, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Schedule of report {Report} could not fire", report.Id);
            }
            // Missed runs (the app was down) are not replayed one by one: the next run's look-back covers them.
            report.NextRunAt = schedule.NextOccurrence(now, Cron);
        }
        await db.SaveChangesAsync(ct);
        foreach (var id in runs.SelectMany(r => r.ExecutionIds)) queue.Enqueue(id);
        return runs;
    }

    /// <summary>The window a run of <paramref name="schedule"/> fired now collects on a source of <paramref name="kind"/> (what "run now" on the schedules page runs).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) WindowNow(ReportSchedule schedule, SourceKind kind) => schedule.WindowFor(clock.GetUtcNow(), LateData(kind));

    /// <summary>How late a source's data can still arrive: a window is collected only once it ended this long ago.</summary>
    private TimeSpan LateData(SourceKind kind) => kind == SourceKind.Amc ? TimeSpan.FromHours(options.Value.AmcLateDataHours) : TimeSpan.Zero;

    private async Task<ScheduleRun> FireAsync(AnalyticsDbContext db, Report report, ReportSchedule schedule, DateTimeOffset firedFor, CancellationToken ct)
    {
        var owner = await db.Users.AsNoTracking().Where(u => u.Id == report.OwnerId).Select(u => new { u.Role }).FirstOrDefaultAsync(ct);
        var allowed = owner is not null && owner.Role >= Analytics.Domain.Access.Role.Analyst
            && (owner.Role == Analytics.Domain.Access.Role.Admin || await db.InstanceGrants.AnyAsync(g => g.UserId == report.OwnerId && g.SourceId == report.SourceId, ct));
        if (!allowed)
            throw new ForbiddenException($"The owner of report '{report.Name}' may no longer run reports on instance {report.SourceId}; the schedule did not fire.");
        var source = await db.Sources.AsNoTracking().SingleAsync(s => s.Id == report.SourceId, ct);
        var lateData = LateData(source.Kind);
        var windows = new List<(DateTimeOffset Start, DateTimeOffset End)>();
        var window = schedule.WindowFor(clock.GetUtcNow(), lateData);
        windows.Add(window);
        for (var i = 0; i < options.Value.LookbackWindows; i++)
        {
            window = (window.Start - (window.End - window.Start), window.Start);
            windows.Add(window);
        }
        var created = new List<string>();
        var skipped = new List<string>();
        foreach (var (start, end) in windows)
        {
            // Complete already: a run of this window succeeded after the data could no longer change (or is running now).
            var complete = await db.Executions.AnyAsync(e => e.ReportId == report.Id && e.TimeWindowStart == start && e.TimeWindowEnd == end
                && ((e.Status == ExecutionStatus.Succeeded && e.FinishedAt >= end + lateData) || e.Status == ExecutionStatus.Pending || e.Status == ExecutionStatus.Running), ct);
            if (complete)
            {
                skipped.Add($"{start:yyyy-MM-dd}..{end:yyyy-MM-dd}");
                continue;
            }
            var execution = new Execution
            {
                Id = Ids.New(), ReportId = report.Id, TimeWindowStart = start, TimeWindowEnd = end, RequestedBy = report.OwnerId,
                CreatedAt = clock.GetUtcNow(), Trigger = "schedule", Message = $"Scheduled run for {firedFor:yyyy-MM-dd HH:mm} UTC",
            };
            db.Executions.Add(execution);
            created.Add(execution.Id);
        }
        return new ScheduleRun(report.Id, firedFor, created, skipped);
    }
}
