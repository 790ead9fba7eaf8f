using Analytics.Data.Insights;
using Analytics.Domain.Access;
using Analytics.Domain.Insights;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;
using Radzen;

namespace Analytics.Web.Components.Pages.Insights;

public sealed partial class Insights
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required InsightService InsightService { get; init; }

    /// <summary>An insight to highlight: the bell's notifications link here with it.</summary>
    [SupplyParameterFromQuery(Name = "id")] public string? FocusId { get; set; }

    private static readonly IReadOnlyList<Option<InsightType?>> Types =
        Enum.GetValues<InsightType>().Select(t => new Option<InsightType?>(t, t.ToString())).ToList();
    private static readonly IReadOnlyList<Option<InsightPriority?>> Priorities =
        Enum.GetValues<InsightPriority>().Reverse().Select(p => new Option<InsightPriority?>(p, p == InsightPriority.Critical ? "Critical" : $"{p} and above")).ToList();

    private Actor _actor = Actor.System;
    private IReadOnlyList<Option<string>> _instances = [];
    private string? _error;

    private InsightFeedState? _state;

    /// <summary>Created on first use (the first render comes before the actor is known; loading waits for it).</summary>
    private InsightFeedState State => _state ??= new InsightFeedState(
        (filter, page) => InsightService.ListAsync(_actor, filter, page, CancellationToken.None),
        (id, mark) => InsightService.MarkAsync(_actor, id, mark, CancellationToken.None));

    protected override async Task OnInitializedAsync()
    {
        _actor = await CurrentActor.GetAsync();
        _instances = (await InsightService.ScannableDatasetsAsync(_actor, CancellationToken.None))
            .Select(d => new Option<string>(d.SourceId, d.Name)).DistinctBy(o => o.Value).ToList();
        await State.LoadAsync();
    }

    private Task ReloadAsync() => Guard(State.LoadAsync);
    private Task LoadMoreAsync() => Guard(State.LoadMoreAsync);
    private Task MarkAsync(string id, InsightMark mark) => Guard(() => State.MarkAsync(id, mark));
    private Task TogglePinAsync(InsightView insight) => Guard(() => State.TogglePinAsync(insight));

    private async Task Guard(Func<Task> action)
    {
        try
        {
            _error = null;
            await action();
        }
        catch (Analytics.Domain.DomainException e)
        {
            _error = e.Message;
        }
    }

    private string InstanceName(string sourceId) => _instances.FirstOrDefault(i => i.Value == sourceId)?.Text ?? sourceId;

    private static string Period(InsightView i) =>
        i.PeriodStart == i.PeriodEnd ? i.PeriodStart.ToString("ddd d MMM yyyy") : $"{i.PeriodStart:d MMM} – {i.PeriodEnd:d MMM yyyy}";

    private static BadgeStyle BadgeFor(string priority) => priority switch
    {
        "critical" => BadgeStyle.Danger,
        "high" => BadgeStyle.Warning,
        "medium" => BadgeStyle.Info,
        _ => BadgeStyle.Base,
    };

    private string CardClass(InsightView i) => "insight" + (i.Read ? " insight-read" : "") + (i.Id == FocusId ? " insight-focus" : "");

    private sealed record Option<T>(T Value, string Text);
}
