using System.Reflection;
using System.Runtime.CompilerServices;
using Analytics.Data.Operational;
using OpenTelemetry.Instrumentation.EntityFrameworkCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Analytics.Web.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics over OTLP, registered only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Without it
/// the SDK is not registered at all: its assemblies are not loaded, no listener is attached, requests pay nothing, and
/// the in-app operational store works as before (it does either way). The SDK reads the standard variables itself from
/// configuration (environment variables or appsettings): <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>_HEADERS</c>,
/// <c>OTEL_SERVICE_NAME</c> (default <see cref="DefaultServiceName"/>), <c>OTEL_RESOURCE_ATTRIBUTES</c>,
/// <c>OTEL_BSP_SCHEDULE_DELAY</c>, <c>OTEL_METRIC_EXPORT_INTERVAL</c>, <c>OTEL_TRACES_SAMPLER</c>, ….
/// </summary>
public static class OpenTelemetryRegistration
{
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolSetting = "OTEL_EXPORTER_OTLP_PROTOCOL";
    public const string DefaultServiceName = "analytics";

    /// <summary>
    /// Meters exported besides the instrumentation packages' own (ASP.NET Core, HttpClient, runtime): the app's, and the
    /// frameworks' built-in ones. The one list of them.
    /// </summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        AppMeter.Name,
        Quartz.Diagnostics.QuartzInstrumentation.MeterName, // quartz.job.execution.duration, ….active
        "Microsoft.EntityFrameworkCore", // active DbContexts, queries, SaveChanges, compiled-query cache
        "Microsoft.AspNetCore.Components.Server.Circuits", // aspnetcore.components.circuit.active, .duration
        "Npgsql", // connection pool (PostgreSQL only)
    ];

    /// <summary>Activity sources traced besides the instrumentation packages' own: Quartz's job firings.</summary>
    public static readonly IReadOnlyList<string> ActivitySources = [Quartz.Diagnostics.QuartzInstrumentation.ActivitySourceName];

    /// <summary>Registers the OpenTelemetry SDK when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; a no-op otherwise.</summary>
    public static IHostApplicationBuilder AddAnalyticsTelemetry(this IHostApplicationBuilder builder)
    {
        var endpoint = builder.Configuration[EndpointSetting];
        if (string.IsNullOrWhiteSpace(endpoint)) return builder;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException(
                $"{EndpointSetting} must be an absolute http(s) URL such as http://collector:4318 (it is '{endpoint}'); unset it to turn OpenTelemetry export off.");
        if (builder.Configuration[ProtocolSetting] is { Length: > 0 } protocol && protocol is not ("grpc" or "http/protobuf"))
            throw new InvalidOperationException($"{ProtocolSetting} must be grpc or http/protobuf (it is '{protocol}').");
        Register(builder.Services);
        return builder;
    }

    // Its own method, so that the OpenTelemetry assemblies load only when export is on.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Register(IServiceCollection services)
    {
        var version = typeof(OpenTelemetryRegistration).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // The flusher's own writes to the operational store are not traced: they are the telemetry, not the work.
        services.AddOptions<EntityFrameworkInstrumentationOptions>()
            .Configure<MetricsBuffer>((o, buffer) => o.Filter = (_, _) => !buffer.IsSuppressed);
        services.AddOpenTelemetry()
            // The environment (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) comes last, so it wins over the default name.
            .ConfigureResource(r => r.Clear().AddService(DefaultServiceName, serviceVersion: version).AddTelemetrySdk().AddEnvironmentVariableDetector())
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz"))
                .AddHttpClientInstrumentation()
                .AddEntityFrameworkCoreInstrumentation()
                .AddSource([.. ActivitySources])
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter([.. Meters])
                .AddOtlpExporter());
    }
}
