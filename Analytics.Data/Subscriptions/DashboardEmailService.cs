using Analytics.Data.Dashboards;
using Analytics.Data.Exports;
using Analytics.Data.Exports.Delivery;
using Analytics.Domain;
using Analytics.Domain.Access;
using Analytics.Domain.Dashboards;
using Analytics.Domain.Exports;

namespace Analytics.Data.Subscriptions;

/// <summary>
/// The wire shape of "e-mail this now": the export (as <c>GET /dashboards/{id}/export</c> takes it: format, one widget or
/// all, page size, orientation, layout, executive summary, time range and filters) and who receives it.
/// </summary>
public sealed record DashboardEmailInput(
    List<string>? Recipients, string? Format = "pdf", string? Page = null, string? Orientation = null, string? Layout = null, bool? Summary = null,
    string? Widget = null, DateTimeOffset? Start = null, DateTimeOffset? End = null, string? Preset = null,
    Dictionary<string, List<string?>>? Filters = null);

/// <summary>What happened: the export history record, who it went to, and the mail server's verdict.</summary>
public sealed record DashboardEmailResult(string? ExportId, IReadOnlyList<string> Recipients, bool Sent, int Attempts, string? Error, string FileName);

/// <summary>
/// "E-mail this now": a dashboard (or one widget) rendered as the sender sees it and sent at once through the SMTP
/// delivery subscriptions use. Anyone who can view the dashboard may send it, to recipients at the allowed domains
/// only (<see cref="SubscriptionSafeguards"/>), at the run-now rate. Everything is checked before anything is rendered;
/// the export is recorded in the history with trigger <c>email</c> and its recipients, and marked failed when the
/// mail server did not accept it.
/// </summary>
public sealed class DashboardEmailService(
    DashboardExportService dashboardExports,
    ExportService exports,
    ExportDelivery delivery,
    ExportMailer mailer,
    ExportRecorder recorder,
    SubscriptionSafeguards safeguards)
{
    public async Task<DashboardEmailResult> SendAsync(Actor actor, string dashboardId, DashboardEmailInput input, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var recipients = (input.Recipients ?? []).Select(r => r?.Trim() ?? "").Where(r => r.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (recipients.Count > SubscriptionService.MaxRecipients) errors["recipients"] = [$"At most {SubscriptionService.MaxRecipients} recipients."];
        else
        {
            try
            {
                ExportMailer.Recipients(recipients);
                (await safeguards.RecipientDomainsAsync(ct)).Check(recipients, errors);
            }
            catch (ValidationException e) { errors["recipients"] = e.Errors["recipients"]; }
        }
        var format = input.Format?.Trim().ToLowerInvariant();
        if (format is null || !exports.Formats.Contains(format, StringComparer.OrdinalIgnoreCase))
            errors["format"] = [$"One of {string.Join(", ", exports.Formats)}{(string.IsNullOrEmpty(format) ? "" : $", not '{format}'")}."];
        var page = ExportPageOptions.Parse(input.Page, input.Orientation, input.Layout, errors);
        var preset = string.IsNullOrWhiteSpace(input.Preset) ? null : input.Preset.Trim();
        if (preset is not null && !DateRangePresets.Names.Contains(preset)) errors["preset"] = [$"One of {string.Join(", ", DateRangePresets.Names)}."];
        if (input.Start is { } s && input.End is { } e2 && e2 <= s) errors["end"] = ["The end must be after the start."];
        if ((input.Start is null) != (input.End is null)) errors[input.Start is null ? "start" : "end"] = ["Give both start and end, or neither."];
        if (errors.Count > 0) throw new ValidationException(errors);
        if (!mailer.IsConfigured) throw new ConflictException("E-mail delivery is not configured: an admin sets Analytics:Smtp:Host.");
        safeguards.EnsureRunNowAllowed(actor);

        var request = new DashboardExportRequest(format, new DashboardDataRequest(input.Start, input.End, preset,
                input.Filters?.ToDictionary(f => f.Key, f => (IReadOnlyList<string?>)(f.Value ?? []))),
            string.IsNullOrWhiteSpace(input.Widget) ? null : input.Widget.Trim(), page, input.Summary ?? false);
        await using var rendered = await dashboardExports.RenderAsync(actor, dashboardId, request, ExportOrigin.Email(recipients), ct);
        var outcome = await delivery.DeliverFileAsync(rendered.Document, format!, rendered.File, recipients, ct);
        if (!outcome.Sent && rendered.RecordId is { } recordId)
            await recorder.MarkFailedAsync(recordId, $"Not delivered: {outcome.Error ?? "the mail server did not accept it."}");
        return new DashboardEmailResult(rendered.RecordId, recipients, outcome.Sent, outcome.Attempts, outcome.Error, rendered.File.FileName);
    }
}
