using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Chat;

internal static class ChatRegistration
{
    /// <summary>Chat: the query functions (one registration each: the registry finds them), both planners, conversations.</summary>
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddSettings<ChatOptions>(ChatOptions.Section)
            .Validate(o => !o.UsesModel || Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var u) && u.Scheme is "http" or "https",
                "Analytics:Chat:BaseUrl must be an absolute http(s) URL of an OpenAI-compatible API (e.g. https://api.openai.com/v1), or empty for the offline planner.")
            .Validate(o => !o.UsesModel || !string.IsNullOrWhiteSpace(o.Model), "Analytics:Chat:Model is required when Analytics:Chat:BaseUrl is set.");
        services.AddSingleton<IChatFunction, ListDatasetsFunction>();
        services.AddSingleton<IChatFunction, ListMetricsFunction>();
        services.AddSingleton<IChatFunction, ListDimensionsFunction>();
        services.AddSingleton<IChatFunction, DescribeMetricFunction>();
        services.AddSingleton<IChatFunction, QueryFunction>();
        services.AddSingleton<IChatFunction, TopNFunction>();
        services.AddSingleton<IChatFunction, ComparePeriodsFunction>();
        services.AddSingleton<IChatFunction, FindAnomaliesFunction>();
        services.AddSingleton<IChatFunction, ForecastFunction>();
        services.AddSingleton<IChatFunction, Analytics.Data.Dashboards.WidgetDataChatFunction>();
        services.AddSingleton<ChatFunctionRegistry>();
        services.AddSingleton<ChatVocabularyService>();
        services.AddSingleton<OfflineChatPlanner>();
        services.AddSingleton<ChatModelClient>();
        services.AddSettings<ChatEgressOptions>(ChatEgressOptions.Section)
            .Validate(o => Analytics.Domain.Chat.Egress.ChatEgressModes.TryParse(o.DefaultMode, out _),
                "Analytics:Chat:Egress:DefaultMode must be one of none, schema-only, anonymized, full.")
            .Validate(o => o.AuditContent is "full" or "hash", "Analytics:Chat:Egress:AuditContent must be full (keep what was sent and received) or hash (only SHA-256 and size).");
        services.AddSingleton<ChatEgressService>();
        services.AddSingleton<ChatEgressGate>();
        services.AddSingleton<LlmChatPlanner>();
        services.AddSingleton<IChatPlanner>(sp => sp.GetRequiredService<IOptions<ChatOptions>>().Value.UsesModel
            ? sp.GetRequiredService<LlmChatPlanner>()
            : sp.GetRequiredService<OfflineChatPlanner>());
        services.AddSingleton<ChatService>();
        services.AddSingleton<ChatBookmarkService>();
        services.AddSingleton<ChatDashboardService>();
        return services;
    }
}
