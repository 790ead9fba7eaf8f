using Analytics.Data.Dashboards;
using Analytics.Data.Subscriptions;
using Analytics.Domain;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages.Subscriptions;

public sealed partial class Subscriptions
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required SubscriptionService Service { get; init; }
    [Inject] public required DashboardService Dashboards { get; init; }

    private IReadOnlyList<SubscriptionView>? _subscriptions;
    private IReadOnlyList<DashboardSummary> _dashboards = [];
    private IReadOnlyList<SubscriptionRunView> _runs = [];
    private SubscriptionView? _historyOf;
    private SubscriptionForm? _form;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _message;
    private bool _messageIsError;
    private string? _running;

    protected override async Task OnInitializedAsync()
    {
        _dashboards = await Dashboards.ListAsync(await CurrentActor.GetAsync(), default);
        await LoadAsync();
    }

    private async Task LoadAsync() => _subscriptions = await Service.ListAsync(await CurrentActor.GetAsync(), all: false, default);

    private void New() => Edit(new SubscriptionForm { DashboardId = _dashboards.FirstOrDefault()?.Id, TimeZone = LocalZone() });

    private void Edit(SubscriptionForm form)
    {
        _form = form;
        _errors = new Dictionary<string, string[]>();
    }

    private static string LocalZone() => TimeZoneInfo.Local.Id.Contains('/') ? TimeZoneInfo.Local.Id : "UTC";

    private async Task SaveAsync()
    {
        if (_form is null) return;
        try
        {
            var actor = await CurrentActor.GetAsync();
            var saved = _form.Id is null
                ? await Service.CreateAsync(actor, _form.ToInput(), default)
                : await Service.UpdateAsync(actor, _form.Id, _form.ToInput(), default);
            _form = null;
            Show($"Saved \"{saved.Name}\"; next delivery {Format(saved.NextRunAt)}.", error: false);
            await LoadAsync();
        }
        catch (ValidationException e) { _errors = e.Errors; }
        catch (DomainException e) { Show(e.Message, error: true); }
    }

    private async Task RunNowAsync(SubscriptionView s)
    {
        _running = s.Id;
        try
        {
            var run = await Service.RunNowAsync(await CurrentActor.GetAsync(), s.Id, default);
            Show(run.Outcome == "sent" ? $"Sent \"{s.Name}\" to {run.RecipientCount} recipient(s)." : $"Not sent: {run.Error}", error: run.Outcome != "sent");
            await LoadAsync();
            if (_historyOf?.Id == s.Id) await ShowHistoryAsync(s);
        }
        catch (DomainException e) { Show(e.Message, error: true); }
        finally { _running = null; }
    }

    private async Task DeleteAsync(SubscriptionView s)
    {
        try
        {
            await Service.DeleteAsync(await CurrentActor.GetAsync(), s.Id, default);
            if (_historyOf?.Id == s.Id) _historyOf = null;
            await LoadAsync();
        }
        catch (DomainException e) { Show(e.Message, error: true); }
    }

    private async Task ShowHistoryAsync(SubscriptionView s)
    {
        _historyOf = s;
        _runs = (await Service.RunsAsync(await CurrentActor.GetAsync(), s.Id, new PageRequest(100, null), default)).Items;
    }

    /// <summary>The browser's download goes through the cookie-authenticated route (the API one wants a key).</summary>
    private static string DownloadHref(SubscriptionRunView run) => $"/exports/{run.Id}/file";

    private static string Format(DateTimeOffset? at) => at is null ? "—" : at.Value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    private static string SizeText(long? bytes) => bytes switch
    {
        null => "",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / 1024.0 / 1024.0:0.#} MB",
    };

    private void Show(string message, bool error)
    {
        _message = message;
        _messageIsError = error;
    }
}
