using Analytics.Data.Alerts;
using Analytics.Data.Notifications;
using Analytics.Domain;

namespace Analytics.Web.Api;

public static class AlertsEndpoints
{
    public static RouteGroupBuilder MapAlertsEndpoints(this RouteGroupBuilder api)
    {
        var alerts = api.MapGroup("/alerts").WithTags("Alerts");

        alerts.MapGet("/", async (HttpContext http, AlertService service, CancellationToken ct) =>
            await service.ListAsync(http.Actor(), ct))
            .WithSummary("Lists the caller's alert rules.");

        alerts.MapPost("/", async (HttpContext http, AlertService service, AlertRuleInput body, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(http.Actor(), body, ct);
            return TypedResults.Created($"/api/v1/alerts/{created.Id}", created);
        })
            .WithSummary("Creates an alert rule: a metric, a condition and channels.");

        alerts.MapGet("/events", async (HttpContext http, AlertService service, int? limit, string? cursor, string? ruleId, CancellationToken ct) =>
            PagedResponse<AlertEventView>.From(await service.EventsAsync(http.Actor(), PageRequest.Parse(limit, cursor), ruleId, ct)))
            .WithSummary("Alert events (fired and resolved), newest first, paged; optionally of one rule.");

        alerts.MapGet("/{id}", async (HttpContext http, AlertService service, string id, CancellationToken ct) =>
            await service.GetAsync(http.Actor(), id, ct))
            .WithSummary("One alert rule.");

        alerts.MapPut("/{id}", async (HttpContext http, AlertService service, string id, AlertRuleInput body, CancellationToken ct) =>
            await service.UpdateAsync(http.Actor(), id, body, ct))
            .WithSummary("Changes an alert rule.");

        alerts.MapDelete("/{id}", async (HttpContext http, AlertService service, string id, CancellationToken ct) =>
        {
            await service.DeleteAsync(http.Actor(), id, ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Deletes an alert rule.");

        var notifications = api.MapGroup("/notifications").WithTags("Notifications");
        notifications.MapGet("/", async (HttpContext http, NotificationService service, int? limit, CancellationToken ct) =>
            new { unread = await service.UnreadCountAsync(http.Actor(), ct), items = await service.ListAsync(http.Actor(), limit ?? 50, ct) })
            .WithSummary("The caller's in-app notifications (the bell), newest first, with the unread count.");
        notifications.MapPost("/read", async (HttpContext http, NotificationService service, CancellationToken ct) =>
        {
            await service.MarkAllReadAsync(http.Actor(), ct);
            return TypedResults.NoContent();
        })
            .WithSummary("Marks all the caller's notifications read.");
        return api;
    }
}
