using AngleSharp;
using AngleSharp.Dom;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Radzen;

namespace Analytics.Tests.Components;

/// <summary>Renders a component to HTML with the framework's HtmlRenderer and parses it with AngleSharp (bUnit cannot run here).</summary>
internal static class ComponentRenderer
{
    public static async Task<IDocument> RenderAsync<TComponent>(IDictionary<string, object?> parameters) where TComponent : IComponent
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<Microsoft.JSInterop.IJSRuntime, NoJavaScript>()
            .AddRadzenComponents()
            .BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, services.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters))).ToHtmlString());
        var context = BrowsingContext.New(Configuration.Default);
        return await context.OpenAsync(request => request.Content($"<html><body>{html}</body></html>"));
    }
}

/// <summary>Static rendering has no browser: like the framework's prerendering runtime, any JS call is an error.</summary>
internal sealed class NoJavaScript : Microsoft.JSInterop.IJSRuntime
{
    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
        throw new InvalidOperationException($"JavaScript ({identifier}) is not available while rendering statically.");

    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
        throw new InvalidOperationException($"JavaScript ({identifier}) is not available while rendering statically.");
}
