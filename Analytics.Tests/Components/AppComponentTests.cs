using Analytics.Web.Components.Dashboards;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Analytics.Tests.Components;

/// <summary>
/// The shared bUnit context for component tests: MudBlazor's services,
/// loose JS interop (MudBlazor calls into its script; these tests check markup and behaviour, not the browser), and a
/// popover provider, so menus, selects and dialogs render where a test can find them. What needs a real browser (drag and
/// drop, charts, layout, touch) is tested with Playwright instead.
/// </summary>
public abstract class AppComponentTests : BunitContext, IAsyncLifetime
{
    private bool _disposedAsync;

    protected AppComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddScoped<ChartsModule>(); // the circuit's charts.js, as the app registers it
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor's services are only asynchronously disposable, so xunit disposes the context that way.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        _disposedAsync = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposedAsync) base.Dispose(disposing);
    }

    /// <summary>Renders MudBlazor's popover host first; menus and selects opened later render into it.</summary>
    protected IRenderedComponent<MudPopoverProvider> RenderPopovers() => Render<MudPopoverProvider>();

    /// <summary>Renders <typeparamref name="TComponent"/> with parameters by name; the nodes answer CSS selectors (AngleSharp).</summary>
    protected INodeList RenderWith<TComponent>(IDictionary<string, object?> parameters) where TComponent : IComponent =>
        Render<TComponent>(builder =>
        {
            builder.OpenComponent<TComponent>(0);
            foreach (var (name, value) in parameters) builder.AddAttribute(1, name, value);
            builder.CloseComponent();
        }).Nodes;
}
