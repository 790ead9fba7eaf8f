using Analytics.Web.Components.Dashboards.Layout;

namespace Analytics.Tests.Dashboards;

public sealed class DashboardLayoutStateTests
{
    private static int _ids;

    private static LayoutOptions Options(int historyLimit = 100) => new()
    {
        HistoryLimit = historyLimit,
        MinSize = kind => kind == "table" ? new LayoutSize(4, 3) : new LayoutSize(2, 2),
        DefaultSize = kind => kind == "kpi" ? new LayoutSize(3, 2) : new LayoutSize(6, 4),
        NewId = () => "n" + Interlocked.Increment(ref _ids),
    };

    private static LayoutItem Item(string id, int x, int y, int w, int h, string kind = "line") => new(id, kind, x, y, w, h);

    private static string Layout(DashboardLayoutState s) => string.Join(" ", s.Items.Select(i => $"{i.Id}:{i.X},{i.Y},{i.W}x{i.H}"));

    private static void NoOverlaps(DashboardLayoutState state)
    {
        foreach (var a in state.Items)
        {
            a.X.Should().BeGreaterThanOrEqualTo(0);
            a.Right.Should().BeLessThanOrEqualTo(state.Columns);
            foreach (var b in state.Items.Where(b => b.Id != a.Id)) a.Overlaps(b).Should().BeFalse($"{a.Id} and {b.Id} must not overlap");
        }
    }

    [Fact]
    public void Loading_a_stored_layout_separates_overlaps_compacts_and_is_not_dirty()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 3), Item("b", 2, 1, 6, 3), Item("c", 8, 5, 4, 2), Item("d", 10, 0, 6, 2)], Options());

        Layout(state).Should().Be("a:0,0,6x3 d:6,0,6x2 c:8,2,4x2 b:2,3,6x3", "d is pulled inside the grid, b goes below a, c rises under d");
        NoOverlaps(state);
        state.IsDirty.Should().BeFalse();
        state.CanUndo.Should().BeFalse();
    }

    [Fact]
    public void Duplicate_ids_are_refused()
    {
        var act = () => new DashboardLayoutState([Item("a", 0, 0, 2, 2), Item("a", 4, 0, 2, 2)]);
        act.Should().Throw<ArgumentException>().WithMessage("*'a' appears twice*");
    }

    [Fact]
    public void Add_takes_the_first_free_spot_in_reading_order_at_the_kind_default_size()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 4)], Options());

        var kpi = state.Add("kpi");
        var chart = state.Add("line");
        var wide = state.Add("line", w: 12, h: 2);

        (kpi.X, kpi.Y, kpi.W, kpi.H).Should().Be((6, 0, 3, 2));
        (chart.X, chart.Y).Should().Be((6, 2), "the first 6×4 gap in reading order is under the kpi");
        (wide.X, wide.Y).Should().Be((0, 6));
        NoOverlaps(state);
        state.IsDirty.Should().BeTrue();
    }

    [Fact]
    public void Dropping_a_widget_onto_others_pushes_them_down()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 3), Item("b", 0, 3, 6, 3), Item("c", 6, 0, 6, 2)], Options());

        var dropped = state.AddAt("bar", 3, 0, 6, 2, configJson: """{"title":"New"}""");

        (dropped.X, dropped.Y, dropped.ConfigJson).Should().Be((3, 0, """{"title":"New"}"""));
        Layout(state).Should().Be($"{dropped.Id}:3,0,6x2 a:0,2,6x3 c:6,2,6x2 b:0,5,6x3");
        NoOverlaps(state);
    }

    [Fact]
    public void Moving_down_past_a_neighbour_swaps_them_and_everything_floats_up()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 2), Item("b", 0, 2, 6, 3)], Options());

        state.Move("a", 0, 10).Should().BeTrue();

        Layout(state).Should().Be("b:0,0,6x3 a:0,3,6x2");
    }

    [Fact]
    public void Moving_onto_a_widget_pushes_it_and_its_followers_down()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 4, 2), Item("b", 6, 0, 6, 2), Item("c", 6, 2, 6, 2)], Options());

        state.Move("a", 8, 0);

        Layout(state).Should().Be("a:8,0,4x2 b:6,2,6x2 c:6,4,6x2");
        NoOverlaps(state);
    }

    [Fact]
    public void Moves_and_resizes_are_clamped_to_the_grid_and_the_kind_minimum()
    {
        var state = new DashboardLayoutState([Item("t", 0, 0, 6, 4, kind: "table"), Item("k", 6, 0, 3, 2, kind: "kpi")], Options());

        state.Move("k", 11, -3);
        state.Find("k")!.Should().Match<LayoutItem>(k => k.X == 9 && k.Y == 0, "a 3-wide widget fits up to column 9");

        state.Resize("t", 1, 1);
        state.Find("t")!.Should().Match<LayoutItem>(t => t.W == 4 && t.H == 3, "a table is at least 4×3");

        state.Resize("t", 40, 5);
        state.Find("t")!.W.Should().Be(12);
        NoOverlaps(state);
        Layout(state).Should().Be("t:0,0,12x5 k:9,5,3x2");
    }

    [Fact]
    public void Resizing_over_a_neighbour_pushes_it_down()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 2), Item("b", 6, 0, 6, 2), Item("c", 0, 2, 12, 1)], Options());

        state.Resize("a", 8, 3);

        Layout(state).Should().Be("a:0,0,8x3 b:6,3,6x2 c:0,5,12x2");
    }

    [Fact]
    public void Remove_lets_the_widgets_below_rise()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 12, 3), Item("b", 0, 3, 6, 2), Item("c", 6, 3, 6, 4)], Options());

        state.Remove("a").Should().BeTrue();
        state.Remove("missing").Should().BeFalse();

        Layout(state).Should().Be("b:0,0,6x2 c:6,0,6x4");
    }

    [Fact]
    public void Duplicate_copies_kind_size_and_config_right_below_with_a_new_id()
    {
        var state = new DashboardLayoutState(
            [new LayoutItem("a", "pie", 0, 0, 4, 3, """{"title":"Spend"}"""), Item("b", 0, 3, 12, 2)], Options());

        var copy = state.Duplicate("a")!;

        copy.Id.Should().NotBe("a");
        (copy.Kind, copy.X, copy.Y, copy.W, copy.H, copy.ConfigJson).Should().Be(("pie", 0, 3, 4, 3, """{"title":"Spend"}"""));
        state.Find("b")!.Y.Should().Be(6);
        state.Duplicate("missing").Should().BeNull();
    }

    [Fact]
    public void Grid_positions_are_applied_as_one_undo_step_and_an_echo_changes_nothing()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 2), Item("b", 6, 0, 6, 2)], Options());

        state.ApplyPositions(state.Positions).Should().BeFalse("the grid echoing our layout is not a change");
        state.CanUndo.Should().BeFalse();

        state.ApplyPositions([new LayoutPosition("a", 6, 0, 6, 2), new LayoutPosition("b", 0, 0, 6, 3), new LayoutPosition("ghost", 0, 0, 1, 1)]).Should().BeTrue();

        Layout(state).Should().Be("b:0,0,6x3 a:6,0,6x2");
        state.UndoDepth.Should().Be(1);
        state.Undo();
        Layout(state).Should().Be("a:0,0,6x2 b:6,0,6x2");
    }

    [Fact]
    public void Overlapping_or_floating_positions_from_the_grid_are_repaired()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 2), Item("b", 6, 0, 6, 2)], Options());

        state.ApplyPositions([new LayoutPosition("a", 0, 5, 6, 2), new LayoutPosition("b", 3, 5, 20, 2)]);

        Layout(state).Should().Be("a:0,0,6x2 b:0,2,12x2");
        NoOverlaps(state);
    }

    [Fact]
    public void Undo_and_redo_walk_layout_and_config_changes_and_a_new_change_clears_redo()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 2)], Options());
        var b = state.Add("line");
        state.UpdateConfig("a", """{"title":"Sales"}""");
        b.X.Should().Be(6);
        state.Move(b.Id, 0, 5).Should().BeTrue();
        state.Find(b.Id)!.Should().Match<LayoutItem>(i => i.X == 0 && i.Y == 2);

        state.Undo().Should().BeTrue();
        state.Find(b.Id)!.X.Should().Be(6);
        state.Undo();
        state.Find("a")!.ConfigJson.Should().Be("{}");
        state.Redo().Should().BeTrue();
        state.Find("a")!.ConfigJson.Should().Be("""{"title":"Sales"}""");
        state.CanRedo.Should().BeTrue();

        state.Remove(b.Id);
        state.CanRedo.Should().BeFalse();
        state.Redo().Should().BeFalse();
        state.Undo();
        state.Find(b.Id).Should().NotBeNull();
    }

    [Fact]
    public void Config_edits_with_the_same_key_coalesce_into_one_undo_step()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 2)], Options());

        state.UpdateConfig("a", """{"title":"S"}""", coalesceKey: "title");
        state.UpdateConfig("a", """{"title":"Sa"}""", coalesceKey: "title");
        state.UpdateConfig("a", """{"title":"Sales"}""", coalesceKey: "title");
        state.UpdateConfig("a", """{"title":"Sales"}""", coalesceKey: "title").Should().BeFalse("same config");

        state.UndoDepth.Should().Be(1);
        state.Undo();
        state.Find("a")!.ConfigJson.Should().Be("{}");
    }

    [Fact]
    public void History_is_bounded_dropping_the_oldest_steps()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 2, 2)], Options(historyLimit: 3));

        for (var x = 1; x <= 5; x++) state.Move("a", x, 0);

        state.UndoDepth.Should().Be(3);
        while (state.Undo()) { }
        state.Find("a")!.X.Should().Be(2, "the two oldest steps fell off");
    }

    [Fact]
    public void Dirty_follows_the_saved_layout_including_undoing_back_to_it()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 2)], Options());
        var changes = 0;
        state.Changed += () => changes++;

        state.Move("a", 6, 0);
        state.IsDirty.Should().BeTrue();
        state.Undo();
        state.IsDirty.Should().BeFalse("back to what is stored");

        state.Redo();
        state.MarkSaved();
        state.IsDirty.Should().BeFalse();
        state.Undo();
        state.IsDirty.Should().BeTrue();
        changes.Should().Be(4);
    }

    [Fact]
    public void Reset_takes_another_editors_layout_clearing_history()
    {
        var state = new DashboardLayoutState([Item("a", 0, 0, 6, 2)], Options());
        state.Move("a", 3, 0);

        state.Reset([Item("a", 0, 0, 4, 2), Item("z", 4, 0, 4, 2)]);

        state.CanUndo.Should().BeFalse();
        state.IsDirty.Should().BeFalse();
        Layout(state).Should().Be("a:0,0,4x2 z:4,0,4x2");
    }

    [Fact]
    public void Random_edits_never_leave_overlaps_or_holes_a_widget_could_rise_into()
    {
        var random = new Random(42);
        var state = new DashboardLayoutState([], Options());
        for (var step = 0; step < 400; step++)
        {
            var items = state.Items;
            var pick = items.Count > 0 ? items[random.Next(items.Count)].Id : null;
            switch (random.Next(6))
            {
                case 0 or 1: state.AddAt("line", random.Next(12), random.Next(10), random.Next(1, 8), random.Next(1, 5)); break;
                case 2 when pick is not null: state.Move(pick, random.Next(-2, 14), random.Next(-2, 20)); break;
                case 3 when pick is not null: state.Resize(pick, random.Next(0, 14), random.Next(0, 6)); break;
                case 4 when pick is not null && items.Count > 6: state.Remove(pick); break;
                case 5 when random.Next(3) == 0: state.Undo(); break;
                default: state.Add("kpi"); break;
            }
            NoOverlaps(state);
            foreach (var item in state.Items.Where(i => i.Y > 0))
            {
                var up = item with { Y = item.Y - 1 };
                state.Items.Any(o => o.Id != item.Id && o.Overlaps(up)).Should().BeTrue($"{item.Id} could rise: the layout is not compact");
            }
        }
    }
}
