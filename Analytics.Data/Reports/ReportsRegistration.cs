using Analytics.Data.Collections;
using Analytics.Data.Schedules;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Data.Reports;

/// <summary>Reports, their executions, schedules and data collections, with the per-instance limits they share across processes.</summary>
internal static class ReportsRegistration
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSettings<ReportOptions>(ReportOptions.Section);
        services.AddSingleton<NodeIdentity>();
        services.AddSingleton<TemplateService>();
        services.AddSingleton<ReportService>();
        services.AddSingleton<ExecutionService>();
        services.AddSingleton<ExecutionQueue>();
        services.AddSingleton<ExecutionNotifier>();
        services.AddSingleton<ExecutionJournals>();
        services.AddSingleton<ExecutionRecovery>();
        services.AddSingleton<ReportMerger>();
        services.AddSingleton<ExecutionRunner>();
        services.AddSettings<ScheduleOptions>(ScheduleOptions.Section);
        services.AddSingleton<ScheduleService>();
        services.AddSingleton<ScheduleOverview>();
        services.TryAddSingleton<ICronEngine, NoCronEngine>();
        services.AddSettings<CollectionOptions>(CollectionOptions.Section);
        services.AddSingleton<CollectionService>();
        services.AddSingleton<CollectionOrchestrator>();
        services.AddSingleton<CollectionSupervisor>();
        services.AddSingleton<CollectionNotifier>();
        services.AddSingleton<InstanceRateLimiters>();
        services.AddSingleton<InstanceRunSlots>();
        services.TryAddSingleton<ICollectionDispatcher, NoCollectionDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ExecutionRunner>());
        return services;
    }
}
