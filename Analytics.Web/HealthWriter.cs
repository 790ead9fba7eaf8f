using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Analytics.Web;

/// <summary>
/// The health endpoints, anonymous, JSON with each check's state:
/// <list type="bullet">
/// <item><c>/healthz/live</c>: 200 while the process is up and serving. Runs no check (no database call), so it stays
/// cheap and a database outage never gets the process restarted; for liveness probes.</item>
/// <item><c>/healthz/ready</c>: 200 when the database answers with its migrations applied and the scheduler runs, 503
/// otherwise; for readiness probes and load balancers.</item>
/// <item><c>/healthz</c>: as <c>/healthz/ready</c> (what it always was; clients and the benchmarks poll it).</item>
/// </list>
/// </summary>
internal static class HealthWriter
{
    public static void Map(WebApplication app)
    {
        var ready = new HealthCheckOptions { ResponseWriter = WriteAsync };
        app.MapHealthChecks("/healthz", ready).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", ready).AllowAnonymous();
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
    }

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            totalMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Description,
            }),
        }, JsonSerializerOptions.Web));
    }
}
