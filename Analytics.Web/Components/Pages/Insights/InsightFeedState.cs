using Analytics.Data.Insights;
using Analytics.Domain;
using Analytics.Domain.Insights;

namespace Analytics.Web.Components.Pages.Insights;

/// <summary>
/// The feed's state without a browser: the filters, the loaded insights (pinned first, then newest) and what marking
/// one does to the list. Loading and marking go through delegates, so the page passes the service and tests pass fakes.
/// </summary>
public sealed class InsightFeedState(
    Func<InsightFilter, PageRequest, Task<Page<InsightView>>> load,
    Func<string, InsightMark, Task<InsightView>> mark)
{
    public const int PageSize = 50;

    public InsightType? Type { get; set; }
    public string? SourceId { get; set; }
    public InsightPriority? MinPriority { get; set; }
    public bool PinnedOnly { get; set; }
    public bool UnreadOnly { get; set; }
    public bool ShowDismissed { get; set; }

    public IReadOnlyList<InsightView> Items { get; private set; } = [];
    public bool Loaded { get; private set; }
    public bool HasMore => _nextAfter is not null;
    public int UnreadCount => Items.Count(i => !i.Read);

    private string? _nextAfter;

    public InsightFilter Filter => new(null, Type, SourceId, MinPriority, ShowDismissed, PinnedOnly, UnreadOnly);

    /// <summary>First page for the current filters.</summary>
    public async Task LoadAsync()
    {
        var page = await load(Filter, new PageRequest(PageSize, null));
        _nextAfter = page.NextAfter;
        Items = Order(page.Items);
        Loaded = true;
    }

    public async Task LoadMoreAsync()
    {
        if (_nextAfter is null) return;
        var page = await load(Filter, new PageRequest(PageSize, _nextAfter));
        _nextAfter = page.NextAfter;
        Items = Order(Items.Concat(page.Items).DistinctBy(i => i.Id));
    }

    public async Task MarkAsync(string id, InsightMark action)
    {
        var updated = await mark(id, action);
        var hidden = (updated.Dismissed && !ShowDismissed) || (PinnedOnly && !updated.Pinned) || (UnreadOnly && updated.Read && action != InsightMark.Read);
        Items = Order(Items.Where(i => i.Id != id).Concat(hidden ? [] : [updated]));
    }

    public Task TogglePinAsync(InsightView insight) => MarkAsync(insight.Id, insight.Pinned ? InsightMark.Unpin : InsightMark.Pin);

    private static List<InsightView> Order(IEnumerable<InsightView> items) =>
        items.OrderByDescending(i => i.Pinned).ThenByDescending(i => i.Id, StringComparer.Ordinal).ToList();
}
