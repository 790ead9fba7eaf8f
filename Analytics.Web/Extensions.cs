using Analytics.Data.Seeding;
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
    /// <summary>
    /// Once the server listens and the database is ready (the two start side by side), logs where the start-up's time
    /// went (<see cref="StartupTimeline"/>; read by <c>bench startup</c>).
    /// </summary>
    private static void LogStartupWhenListening(WebApplication app)
    {
        var timeline = app.Services.GetRequiredService<StartupTimeline>();
        var database = app.Services.GetRequiredService<DatabaseInitializer>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(StartupTimeline.LogCategory);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            timeline.Mark("scheduler and server start");
            var listening = timeline.TotalMs;
            _ = database.WaitUntilReadyAsync(app.Lifetime.ApplicationStopping).ContinueWith(ready =>
            {
                if (!ready.IsCompletedSuccessfully) return;
                logger.LogInformation("Listening {TotalMs} ms after the process started, database ready at {ReadyMs} ms; phases (ms): {Phases}",
                    listening, database.ReadyMs, timeline.ToJson());
            }, TaskScheduler.Default);
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
        services.AddScoped<Components.Pages.HomeService>(); // per circuit: SourceService is scoped
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
        // The database initializes while the server starts: a request that comes sooner waits for it (health answers at once).
        var database = app.Services.GetRequiredService<DatabaseInitializer>();
        app.Use(async (context, next) =>
        {
            if (!database.IsReady && !context.Request.Path.StartsWithSegments("/healthz")) await database.WaitUntilReadyAsync(context.RequestAborted);
            await next(context);
        });
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseCookiePolicy();

        app.UseAuthentication();
        app.UseRateLimiter(); // after authentication: the API is limited per key
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        var theme = app.Services.GetRequiredService<ThemeStylesheet>();
        _ = Task.Run(theme.GetAsync); // built off the start-up path, ready for the first page
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
        api.MapSchedulesEndpoints();
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

