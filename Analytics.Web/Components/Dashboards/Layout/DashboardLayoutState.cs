namespace Analytics.Web.Components.Dashboards.Layout;

/// <summary>One widget of a dashboard being edited: its kind, its place on the grid and its configuration (JSON).</summary>
public sealed record LayoutItem(string Id, string Kind, int X, int Y, int W, int H, string ConfigJson = "{}")
{
    public int Right => X + W;
    public int Bottom => Y + H;
    public LayoutPosition Position => new(Id, X, Y, W, H);
    public bool Overlaps(LayoutItem other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;
}

/// <summary>Where a widget sits, as the grid reports it after a drag or resize.</summary>
public readonly record struct LayoutPosition(string Id, int X, int Y, int W, int H);

/// <summary>A size in grid cells (columns × rows).</summary>
public readonly record struct LayoutSize(int W, int H);

public sealed class LayoutOptions
{
    public int Columns { get; init; } = 12;

    /// <summary>How many steps undo keeps; the oldest fall off.</summary>
    public int HistoryLimit { get; init; } = 100;

    /// <summary>The smallest size of a widget kind (e.g. a table needs more room than a KPI card).</summary>
    public Func<string, LayoutSize> MinSize { get; init; } = _ => new LayoutSize(1, 1);

    /// <summary>The size a new widget of a kind gets.</summary>
    public Func<string, LayoutSize> DefaultSize { get; init; } = _ => new LayoutSize(4, 3);

    public Func<string> NewId { get; init; } = () => Guid.NewGuid().ToString("N")[..12];
}

/// <summary>
/// The widgets of a dashboard in the builder: positions and configs, with the rules of a 12-column grid that behaves
/// like gridstack with <c>float: false</c> — nothing overlaps (a widget dropped onto others pushes them down) and every
/// widget rises as far as it can (vertical compaction). Every change is one undo step (bounded history); the state is
/// dirty while it differs from what was last saved. Plain C#: the grid in the browser reports positions through
/// <see cref="ApplyPositions"/>, and everything here is unit-tested without one.
/// </summary>
public sealed class DashboardLayoutState
{
    private readonly LayoutOptions _options;
    private List<LayoutItem> _items;
    private IReadOnlyList<LayoutItem> _saved;
    private readonly LinkedList<IReadOnlyList<LayoutItem>> _undo = new();
    private readonly Stack<IReadOnlyList<LayoutItem>> _redo = new();
    private string? _lastCoalesceKey;

    public DashboardLayoutState(IEnumerable<LayoutItem> items, LayoutOptions? options = null)
    {
        _options = options ?? new LayoutOptions();
        if (_options.Columns < 1) throw new ArgumentOutOfRangeException(nameof(options), "Columns must be at least 1.");
        _items = Normalize(items);
        _saved = Snapshot();
    }

    public int Columns => _options.Columns;

    /// <summary>The widgets in reading order (top to bottom, then left to right).</summary>
    public IReadOnlyList<LayoutItem> Items => Snapshot();

    public IReadOnlyList<LayoutPosition> Positions => Snapshot().Select(i => i.Position).ToList();

    /// <summary>Rows the layout takes.</summary>
    public int Height => _items.Count == 0 ? 0 : _items.Max(i => i.Bottom);

    public bool IsDirty => !Snapshot().SequenceEqual(_saved);
    public bool CanUndo => _undo.Count > 0;
    public bool CanRedo => _redo.Count > 0;
    public int UndoDepth => _undo.Count;

    /// <summary>Raised after every change, undo and redo.</summary>
    public event Action? Changed;

    public LayoutItem? Find(string id) => _items.Find(i => i.Id == id);

    /// <summary>Adds a widget at the first free spot that fits (reading order), at the kind's default size unless given.</summary>
    public LayoutItem Add(string kind, string configJson = "{}", int? w = null, int? h = null, string? id = null)
    {
        var size = _options.DefaultSize(kind);
        var item = Clamp(new LayoutItem(id ?? NewId(), kind, 0, 0, w ?? size.W, h ?? size.H, configJson));
        var (x, y) = FirstFree(item.W, item.H);
        item = item with { X = x, Y = y };
        Record(() =>
        {
            _items.Add(item);
            Compact();
        });
        return Find(item.Id)!;
    }

    /// <summary>Adds a widget where it was dropped; widgets in the way move down.</summary>
    public LayoutItem AddAt(string kind, int x, int y, int? w = null, int? h = null, string configJson = "{}", string? id = null)
    {
        var size = _options.DefaultSize(kind);
        var item = Clamp(new LayoutItem(id ?? NewId(), kind, x, y, w ?? size.W, h ?? size.H, configJson));
        Record(() =>
        {
            _items.Add(item);
            Settle(item.Id);
        });
        return Find(item.Id)!;
    }

    public bool Move(string id, int x, int y) => Find(id) is { } item && SetPosition(id, x, y, item.W, item.H);

    /// <summary>Resizes within the grid (the width is clamped to the columns right of the widget, both to the kind's minimum).</summary>
    public bool Resize(string id, int w, int h) => Find(id) is { } item && SetPosition(id, item.X, item.Y, w, h);

    public bool SetPosition(string id, int x, int y, int w, int h)
    {
        var index = _items.FindIndex(i => i.Id == id);
        if (index < 0) return false;
        return Record(() =>
        {
            var item = _items[index];
            var width = Math.Clamp(w, 1, _options.Columns);
            _items[index] = Clamp(item with { X = Math.Min(x, _options.Columns - width), Y = y, W = width, H = h });
            Settle(id);
        });
    }

    public bool Remove(string id) => Record(() =>
    {
        if (_items.RemoveAll(i => i.Id == id) > 0) Compact();
    });

    /// <summary>A copy (new id, same kind, size and config) right below the original; widgets below move down.</summary>
    public LayoutItem? Duplicate(string id)
    {
        if (Find(id) is not { } original) return null;
        var copy = original with { Id = NewId(), Y = original.Bottom };
        Record(() =>
        {
            _items.Add(copy);
            Settle(copy.Id);
        });
        return Find(copy.Id);
    }

    /// <summary>
    /// Replaces a widget's config. Edits with the same <paramref name="coalesceKey"/> in a row (typing a title) make one
    /// undo step.
    /// </summary>
    public bool UpdateConfig(string id, string configJson, string? coalesceKey = null)
    {
        var index = _items.FindIndex(i => i.Id == id);
        if (index < 0 || _items[index].ConfigJson == configJson) return false;
        var key = coalesceKey is null ? null : id + "\u001f" + coalesceKey;
        var coalesce = key is not null && key == _lastCoalesceKey && CanUndo;
        if (coalesce)
        {
            _items[index] = _items[index] with { ConfigJson = configJson };
            _redo.Clear();
            Changed?.Invoke();
        }
        else
        {
            Record(() => _items[index] = _items[index] with { ConfigJson = configJson });
        }
        _lastCoalesceKey = key;
        return true;
    }

    /// <summary>
    /// Takes the positions the grid reports after a drag, resize or drop (one undo step). Unknown ids are ignored; sizes
    /// are clamped; anything still overlapping is pushed down and the layout compacted, so the result is always valid.
    /// Returns false when nothing changed (the grid echoing our own layout).
    /// </summary>
    public bool ApplyPositions(IEnumerable<LayoutPosition> positions)
    {
        var byId = positions.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.Last());
        return Record(() =>
        {
            for (var i = 0; i < _items.Count; i++)
            {
                if (byId.TryGetValue(_items[i].Id, out var p))
                {
                    _items[i] = Clamp(_items[i] with { X = p.X, Y = p.Y, W = p.W, H = p.H });
                }
            }
            ResolveAll();
            Compact();
        });
    }

    public bool Undo()
    {
        if (_undo.Count == 0) return false;
        _redo.Push(Snapshot());
        _items = [.. _undo.Last!.Value];
        _undo.RemoveLast();
        _lastCoalesceKey = null;
        Changed?.Invoke();
        return true;
    }

    public bool Redo()
    {
        if (_redo.Count == 0) return false;
        _undo.AddLast(Snapshot());
        _items = [.. _redo.Pop()];
        _lastCoalesceKey = null;
        Changed?.Invoke();
        return true;
    }

    /// <summary>The current layout is what is stored now.</summary>
    public void MarkSaved() => _saved = Snapshot();

    /// <summary>Replaces everything (e.g. another editor saved this dashboard): history cleared, not dirty.</summary>
    public void Reset(IEnumerable<LayoutItem> items)
    {
        _items = Normalize(items);
        _saved = Snapshot();
        _undo.Clear();
        _redo.Clear();
        _lastCoalesceKey = null;
        Changed?.Invoke();
    }

    // ---- history

    /// <summary>Runs a change; when it changed anything, the state before is one undo step and redo is cleared.</summary>
    private bool Record(Action change)
    {
        var before = Snapshot();
        change();
        var after = Snapshot();
        if (before.SequenceEqual(after)) return false;
        _undo.AddLast(before);
        while (_undo.Count > Math.Max(1, _options.HistoryLimit)) _undo.RemoveFirst();
        _redo.Clear();
        _lastCoalesceKey = null;
        Changed?.Invoke();
        return true;
    }

    private IReadOnlyList<LayoutItem> Snapshot() =>
        _items.OrderBy(i => i.Y).ThenBy(i => i.X).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();

    private string NewId()
    {
        string id;
        do id = _options.NewId(); while (Find(id) is not null);
        return id;
    }

    // ---- geometry

    private List<LayoutItem> Normalize(IEnumerable<LayoutItem> items)
    {
        var list = new List<LayoutItem>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            if (!ids.Add(item.Id)) throw new ArgumentException($"Widget id '{item.Id}' appears twice.", nameof(items));
            list.Add(Clamp(item));
        }
        _items = list;
        ResolveAll();
        Compact();
        return _items;
    }

    private LayoutItem Clamp(LayoutItem item)
    {
        var min = _options.MinSize(item.Kind);
        var minW = Math.Clamp(min.W, 1, _options.Columns);
        var w = Math.Clamp(item.W, minW, _options.Columns);
        var h = Math.Max(item.H, Math.Max(1, min.H));
        var x = Math.Clamp(item.X, 0, _options.Columns - w);
        return item with { X = x, Y = Math.Max(0, item.Y), W = w, H = h };
    }

    private (int X, int Y) FirstFree(int w, int h)
    {
        for (var y = 0; ; y++)
        {
            for (var x = 0; x + w <= _options.Columns; x++)
            {
                var probe = new LayoutItem("", "", x, y, w, h);
                if (!_items.Any(i => i.Overlaps(probe))) return (x, y);
            }
        }
    }

    /// <summary>Keeps <paramref name="pinnedId"/> where it was put, pushes what it covers down (and what those then cover), then compacts.</summary>
    private void Settle(string pinnedId)
    {
        PushDown(pinnedId);
        Compact();
    }

    private void PushDown(string pinnedId)
    {
        var queue = new Queue<string>();
        queue.Enqueue(pinnedId);
        var pinned = Find(pinnedId)!;
        var guard = 0;
        while (queue.Count > 0 && guard++ < 100_000)
        {
            var mover = Find(queue.Dequeue())!;
            foreach (var other in _items.Where(i => i.Id != mover.Id && i.Id != pinnedId && i.Overlaps(mover)).OrderBy(i => i.Y).ToList())
            {
                var pushed = other with { Y = mover.Bottom };
                if (pushed.Overlaps(pinned)) pushed = pushed with { Y = pinned.Bottom };
                Replace(pushed);
                queue.Enqueue(pushed.Id);
            }
        }
    }

    /// <summary>Separates any overlapping widgets (a stored or reported layout may overlap): in reading order, each goes below what it overlaps.</summary>
    private void ResolveAll()
    {
        var placed = new List<LayoutItem>();
        foreach (var item in _items.OrderBy(i => i.Y).ThenBy(i => i.X).ToList())
        {
            var current = item;
            while (placed.FirstOrDefault(p => p.Overlaps(current)) is { } blocker) current = current with { Y = blocker.Bottom };
            placed.Add(current);
            Replace(current);
        }
    }

    /// <summary>gridstack's <c>float: false</c>: in reading order, each widget rises until it would touch another.</summary>
    private void Compact()
    {
        foreach (var id in _items.OrderBy(i => i.Y).ThenBy(i => i.X).Select(i => i.Id).ToList())
        {
            var item = Find(id)!;
            while (item.Y > 0)
            {
                var up = item with { Y = item.Y - 1 };
                if (_items.Any(i => i.Id != id && i.Overlaps(up))) break;
                item = up;
            }
            Replace(item);
        }
    }

    private void Replace(LayoutItem item)
    {
        var index = _items.FindIndex(i => i.Id == item.Id);
        _items[index] = item;
    }
}
