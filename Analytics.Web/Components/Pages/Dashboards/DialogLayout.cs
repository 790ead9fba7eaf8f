using MudBlazor;

namespace Analytics.Web.Components.Pages.Dashboards;

/// <summary>How this folder's dialogs open: as wide as their content needs up to a limit, a close button, Esc closes (phones: full screen, app.css).</summary>
internal static class DialogLayout
{
    public static DialogOptions Options(MaxWidth width) => new()
    {
        MaxWidth = width, FullWidth = true, CloseButton = true, CloseOnEscapeKey = true, BackdropClick = true,
    };
}
