using System.Text.Json;
using Analytics.Data.Insights;
using Analytics.Domain;
using Analytics.Domain.Insights;
using Analytics.Web.Components.Pages.Insights;

namespace Analytics.Tests.Insights;

/// <summary>The /insights feed's rules without a browser: filters reach the service, pinned first, marks reshape the list.</summary>
public sealed class InsightFeedStateTests
{
    private static InsightView View(string id, bool pinned = false, bool read = false, bool dismissed = false) => new(
        id, "anomaly", "demo-northwind", "ad_performance", "campaign", "C", "spend", new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 1),
        2.5, 0.99, "critical", $"Title {id}", "Text", JsonDocument.Parse("{}").RootElement, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, read, dismissed, pinned);

    private sealed class FakeFeed
    {
        public List<InsightView> All { get; } = [View("01"), View("02", pinned: true), View("03")];
        public List<InsightFilter> Filters { get; } = [];

        public Task<Page<InsightView>> Load(InsightFilter filter, PageRequest page)
        {
            Filters.Add(filter);
            var items = All.Where(i => (filter.IncludeDismissed || !i.Dismissed) && (!filter.PinnedOnly || i.Pinned))
                .OrderByDescending(i => i.Id).Where(i => page.After is null || string.CompareOrdinal(i.Id, page.After) < 0).ToList();
            var pageItems = items.Take(page.Limit).ToList();
            return Task.FromResult(new Page<InsightView>(pageItems, items.Count > page.Limit ? pageItems[^1].Id : null));
        }

        public Task<InsightView> Mark(string id, InsightMark mark)
        {
            var i = All.Single(x => x.Id == id);
            var updated = mark switch
            {
                InsightMark.Read => i with { Read = true },
                InsightMark.Dismiss => i with { Dismissed = true, Read = true },
                InsightMark.Undismiss => i with { Dismissed = false },
                InsightMark.Pin => i with { Pinned = true },
                InsightMark.Unpin => i with { Pinned = false },
                _ => i with { Read = false },
            };
            All[All.IndexOf(i)] = updated;
            return Task.FromResult(updated);
        }
    }

    [Fact]
    public async Task Pinned_insights_come_first_then_newest()
    {
        var feed = new FakeFeed();
        var state = new InsightFeedState(feed.Load, feed.Mark);

        await state.LoadAsync();

        state.Items.Select(i => i.Id).Should().Equal("02", "03", "01");
        state.UnreadCount.Should().Be(3);
    }

    [Fact]
    public async Task Filters_are_passed_to_the_service()
    {
        var feed = new FakeFeed();
        var state = new InsightFeedState(feed.Load, feed.Mark) { Type = InsightType.Trend, SourceId = "demo-contoso", MinPriority = InsightPriority.High, PinnedOnly = true };

        await state.LoadAsync();

        feed.Filters.Single().Should().Be(new InsightFilter(null, InsightType.Trend, "demo-contoso", InsightPriority.High, false, true, false));
    }

    [Fact]
    public async Task Dismissing_removes_from_the_feed_unless_dismissed_are_shown_and_pinning_moves_to_the_top()
    {
        var feed = new FakeFeed();
        var state = new InsightFeedState(feed.Load, feed.Mark);
        await state.LoadAsync();

        await state.MarkAsync("03", InsightMark.Dismiss);
        state.Items.Select(i => i.Id).Should().Equal("02", "01");

        await state.TogglePinAsync(state.Items.Single(i => i.Id == "01"));
        state.Items.Select(i => i.Id).Should().Equal("02", "01");
        state.Items.Should().OnlyContain(i => i.Pinned);

        await state.MarkAsync("01", InsightMark.Read);
        state.UnreadCount.Should().Be(1);

        state.ShowDismissed = true;
        await state.LoadAsync();
        state.Items.Should().Contain(i => i.Id == "03" && i.Dismissed);
        await state.MarkAsync("03", InsightMark.Dismiss);
        state.Items.Should().Contain(i => i.Id == "03", "dismissed ones stay when they are shown");
    }

    [Fact]
    public async Task Load_more_appends_the_next_page()
    {
        var feed = new FakeFeed();
        feed.All.Clear();
        feed.All.AddRange(Enumerable.Range(1, InsightFeedState.PageSize + 5).Select(i => View(i.ToString("D3"))));
        var state = new InsightFeedState(feed.Load, feed.Mark);

        await state.LoadAsync();
        state.HasMore.Should().BeTrue();
        await state.LoadMoreAsync();

        state.Items.Should().HaveCount(InsightFeedState.PageSize + 5);
        state.HasMore.Should().BeFalse();
    }
}
