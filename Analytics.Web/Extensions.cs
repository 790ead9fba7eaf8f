using Analytics.Data.Startup;
using Analytics.Web.Api;
using Analytics.Web.Auth;
using Analytics.Web.Components;
using Analytics.Web.Components.Layout;
using Analytics.Web.Instrumentation;
using Analytics.Web.Security;
using MudBlazor.Services;

namespace Analytics.Web;

public static class Extensions
{
    /// <summary>Once the server listens, logs where the start-up's time went (<see cref="StartupTimeline"/>; read by <c>bench startup</c>).</summary>
    private static void LogStartupWhenListening(WebApplication app)
    {
        var timeline = app.Services.GetRequiredService<StartupTimeline>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(StartupTimeline.LogCategory);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            timeline.Mark("scheduler and server start");
            logger.LogInformation("Listening {TotalMs} ms after the process started; phases (ms): {Phases}", timeline.TotalMs, timeline.ToJson());
        });
    }

    /// <summary>The web front: Blazor Server with MudBlazor, Identity sign-in, API keys, problem+json, health.</summary>
    public static IHostApplicationBuilder AddAnalyticsWeb(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Serve the packages' static files (MudBlazor, Blazor's script) from the build output in every environment, as
        // Development does; a published app has them in wwwroot and this is a no-op there.
        if (builder.Environment is IWebHostEnvironment web)
            Microsoft.AspNetCore.Hosting.StaticWebAssets.StaticWebAssetsLoader.UseStaticWebAssets(web, builder.Configuration);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton<ThemeStylesheet>();
        services.AddScoped<Components.Dashboards.ChartsModule>();
        services.AddWebInstrumentation();
        services.AddHttpSecurity();
        services.AddApi();
        services.AddSignIn();
        return builder;
    }

    public static WebApplication UseAnalyticsWeb(this WebApplication app)
    {
        LogStartupWhenListening(app);
        app.UseProxyTrust(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpSecurityOptions>>().Value);
        var headers = app.Services.GetRequiredService<SecurityHeaders>();
        app.Use(headers.InvokeAsync);
        app.UseMiddleware<HttpMetricsMiddleware>();
        app.UseExceptionHandler();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseCookiePolicy();

        app.UseAuthentication();
        app.UseRateLimiter(); // after authentication: the API is limited per key
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        _ = app.Services.GetRequiredService<ThemeStylesheet>().GetAsync(); // built in the background, ready for the first page
        app.MapGet(ThemeStylesheet.Path, async (ThemeStylesheet theme, HttpContext http) =>
        {
            var (css, version) = await theme.GetAsync();
            // Linked as /theme.css?v=<hash of the css>: that address never changes content.
            http.Response.Headers.CacheControl = http.Request.Query["v"] == version ? "public, max-age=31536000, immutable" : "no-cache";
            return Results.Text(css, "text/css; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        HealthWriter.Map(app);
        app.MapAccountEndpoints();
        app.MapGroup("").RequireRateLimiting(RateLimits.PublicPolicy).WithProblemResponses().MapPublicDashboardEndpoints();
        app.MapDashboardDownloads();
        app.MapSubscriptionDownloads();
        app.MapExportDownloads();
        app.MapBackupDownloads();

        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(AuthSchemes.ApiPolicy)
            .RequireRateLimiting(RateLimits.ApiPolicy)
            .AddEndpointFilter<ActorEndpointFilter>()
            .DisableAntiforgery()
            .WithProblemResponses();
        api.MapUsersEndpoints();
        api.MapSourcesEndpoints();
        api.MapQueryEndpoints();
        api.MapReportsEndpoints();
        api.MapJobsEndpoints();
        api.MapAlertsEndpoints();
        api.MapInsightsEndpoints();
        api.MapMetricsEndpoints();
        api.MapDashboardsEndpoints();
        api.MapChatEndpoints();
        api.MapChatEgressEndpoints();
        api.MapSubscriptionsEndpoints();
        api.MapExportsEndpoints();
        api.MapAuditEndpoints();
        api.MapBackupsEndpoints();
        api.MapFallback(() => Results.Problem(statusCode: 404, title: "Not found", detail: $"No such API endpoint. See {ApiReference.DocsPath} for the /api/v1 routes.")).ExcludeFromDescription();
        app.MapApiReference();

        // Pages need a signed-in user at the HTTP level, and every page is [Authorize] inside the circuit too
        // (Components/Pages/_Imports.razor), so the circuit hub itself may open without one: the public dashboard link
        // ([AllowAnonymous]) is interactive for anonymous visitors, and nothing else renders for them.
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization()
            .Add(endpoint =>
            {
                if (endpoint is not Microsoft.AspNetCore.Routing.RouteEndpointBuilder route) return;
                if (route.RoutePattern.RawText?.StartsWith("/_blazor", StringComparison.Ordinal) == true)
                    endpoint.Metadata.Add(new Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute());
                // The public dashboard page shares the public links' per-client limit with /api/v1/public/*.
                if (route.RoutePattern.RawText?.StartsWith("/public/", StringComparison.Ordinal) == true)
                    endpoint.Metadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(RateLimits.PublicPolicy));
            });
        return app;
    }
}

