using Analytics.Data.Notifications;
using Analytics.Web.Auth;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Shared;

/// <summary>The header's bell: unread count kept live by a <see cref="NotificationNotifier"/> subscription.</summary>
public sealed partial class NotificationBell
{
    [Inject] public required CurrentActor CurrentActor { get; init; }
    [Inject] public required NotificationService Notifications { get; init; }
    [Inject] public required NotificationNotifier Notifier { get; init; }

    private IDisposable? _subscription;
    private IReadOnlyList<NotificationView> _items = [];
    private int _unread;
    private bool _open;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        var actor = await CurrentActor.GetAsync();
        _subscription = Notifier.Subscribe(actor.UserId, () => _ = InvokeAsync(async () =>
        {
            await RefreshAsync();
            StateHasChanged();
        }));
        await RefreshAsync();
        StateHasChanged();
    }

    private async Task RefreshAsync()
    {
        var actor = await CurrentActor.GetAsync();
        _unread = await Notifications.UnreadCountAsync(actor, default);
        if (_open) _items = await Notifications.ListAsync(actor, 20, default);
    }

    private async Task ToggleAsync()
    {
        _open = !_open;
        if (_open) _items = await Notifications.ListAsync(await CurrentActor.GetAsync(), 20, default);
    }

    private async Task MarkReadAsync()
    {
        await Notifications.MarkAllReadAsync(await CurrentActor.GetAsync(), default);
        await RefreshAsync();
    }

    public void Dispose() => _subscription?.Dispose();
}
