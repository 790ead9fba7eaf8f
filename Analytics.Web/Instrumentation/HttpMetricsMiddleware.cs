using System.Diagnostics;
using System.Security.Claims;
using Analytics.Data.Operational;
using Analytics.Domain.Operational;

namespace Analytics.Web.Instrumentation;

/// <summary>
/// Outermost middleware: records each request's latency as <c>http.server.request.duration_ms{route, method,
/// status_class}</c> (route = the endpoint's route pattern, never the raw path, so cardinality stays bounded),
/// 5xx answers as <c>http.server.errors{route, method}</c>, API calls per user as <c>api.calls{user}</c> (user id),
/// and the signed-in user as active this minute (<c>users.active</c>). Server-sent-event streams are not timed (their
/// duration is the subscription's). Recording only enqueues in <see cref="MetricsBuffer"/>; the flusher writes
/// without HTTP, so ingesting the app's own metrics never feeds back into this middleware.
/// </summary>
internal sealed class HttpMetricsMiddleware(RequestDelegate next, MetricsBuffer buffer)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!buffer.Enabled)
        {
            await next(context);
            return;
        }
        var start = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            Record(context, Stopwatch.GetElapsedTime(start).TotalMilliseconds, failed);
        }
    }

    private void Record(HttpContext context, double elapsedMs, bool failed)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
        var status = failed && !context.Response.HasStarted ? 500 : context.Response.StatusCode;
        var method = context.Request.Method;
        if (context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.Ordinal) != true)
        {
            buffer.Record("http.server.request.duration_ms",
                MetricSeries.KeyOf(new Dictionary<string, string> { ["route"] = route, ["method"] = method, ["status_class"] = $"{status / 100}xx" }),
                elapsedMs);
        }
        if (status >= 500)
            buffer.Record("http.server.errors", MetricSeries.KeyOf(new Dictionary<string, string> { ["route"] = route, ["method"] = method }), 1);
        if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
        {
            buffer.SeenUser(userId);
            if (context.Request.Path.StartsWithSegments("/api"))
                buffer.Record("api.calls", MetricSeries.KeyOf(new Dictionary<string, string> { ["user"] = userId }), 1);
        }
    }
}
