using System.Text.Json.Nodes;
using Analytics.Data.Amc;
using Analytics.Domain;
using Analytics.Domain.Reports;
using Analytics.Domain.Sources;
using Microsoft.Extensions.Options;

namespace Analytics.Data.Sources.Connectors;

/// <summary>
/// An Amazon Marketing Cloud instance over its reporting API: the template's SQL is rendered with literal parameters
/// (AMC takes no bound parameters) onto one line, run as a workflow execution over the window, polled, and its CSV read.
/// The execution's journal makes it run once at AMC across crashes (see <see cref="AmcClient.RunAsync"/>).
/// A privacy rejection is final for the window; a failed execution may be retried.
/// </summary>
public sealed class AmcSourceConnector(IHttpClientFactory http, IOptions<AmcOptions> options, TimeProvider clock, AmcHostPolicy hosts) : ISourceConnector
{
    public const string HttpClientName = "amc";

    public SourceKind Kind => SourceKind.Amc;

    public IReadOnlySet<string> SecretSettings { get; } = new HashSet<string> { "accessToken" };

    public IReadOnlyList<SettingField> SettingFields { get; } =
    [
        new("baseUrl", "API base URL", SettingFieldType.Url, Help: "The Amazon Ads API endpoint of the instance's region.", Placeholder: "https://advertising-api.amazon.com"),
        new("instanceId", "AMC instance id", SettingFieldType.Text, Placeholder: "amcabcd1234"),
        new("advertiserId", "Advertiser id", SettingFieldType.Text, Help: "Sent as Amazon-Advertising-API-AdvertiserId."),
        new("marketplaceId", "Marketplace id", SettingFieldType.Text, Placeholder: "ATVPDKIKX0DER"),
        new("clientId", "Client id", SettingFieldType.Text, Help: "The Login with Amazon application's client id."),
        new("accessToken", "Access token", SettingFieldType.Secret, Help: "Stored encrypted; never shown again."),
    ];

    /// <summary>The access token is sent to <c>baseUrl</c>: pointing the source elsewhere takes the token entered again.</summary>
    public IReadOnlyDictionary<string, string> SecretBoundSettings { get; } = new Dictionary<string, string> { ["baseUrl"] = "accessToken" };

    private static readonly string[] Required = ["baseUrl", "instanceId", "advertiserId", "marketplaceId", "clientId", "accessToken"];

    /// <summary>The AMC instance id: the same instance, whichever workspace connects to it.</summary>
    public string? ExternalId(string sourceId, JsonObject settings) =>
        settings["instanceId"] is JsonValue v && v.TryGetValue<string>(out var id) && !string.IsNullOrWhiteSpace(id) ? id.Trim() : null;

    public void ValidateSettings(JsonObject settings)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var name in Required)
        {
            if (settings[name] is not JsonValue v || !v.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text))
                errors[$"settings.{name}"] = [$"'{name}' is required for an AMC instance."];
        }
        if (settings["baseUrl"] is JsonValue url && url.TryGetValue<string>(out var baseUrl) && !string.IsNullOrWhiteSpace(baseUrl)
            && hosts.BaseUrlError(baseUrl) is { } problem)
            errors["settings.baseUrl"] = [problem];
        if (errors.Count > 0) throw new ValidationException(errors);
    }

    public async Task<TabularResult> RunAsync(SourceQuery query, CancellationToken ct)
    {
        // Checked again at every run: the allowed hosts may have changed since the source was saved.
        if (hosts.BaseUrlError(query.Settings["baseUrl"]?.GetValue<string>()) is { } refused) throw new SourceQueryException($"Source '{query.Source.Name}': {refused}");
        var s = query.Settings;
        string Get(string name) => s[name]?.GetValue<string>() ?? "";
        var settings = new AmcSettings(Get("baseUrl"), Get("instanceId"), Get("advertiserId"), Get("marketplaceId"), Get("clientId"), Get("accessToken"));
        var sql = query.Template.RenderAmc(query.Parameters);
        var client = new AmcClient(http.CreateClient(HttpClientName), options.Value.Retry, clock);
        try
        {
            var run = await client.RunAsync(settings, sql, new AmcTimeWindow(query.WindowStart, query.WindowEnd), options.Value.PollInterval,
                query.Journal ?? new InMemoryRemoteRunJournal(), ct, query.Gate, query.Stopping, query.Progress);
            query.Progress?.Report(run.Reused ? $"Took over AMC execution {run.WorkflowExecutionId}; reading its result" : $"AMC execution {run.WorkflowExecutionId} succeeded; reading its result");
            return new TabularResult(run.Result.Columns, run.Result.Rows.Select(r => r.Cast<object?>().ToArray()).ToList());
        }
        catch (AmcRejectedException e)
        {
            throw new SourceQueryException(e.Message, retryable: false, e);
        }
        catch (AmcExecutionFailedException e)
        {
            throw new SourceQueryException(e.Message, retryable: true, e);
        }
        catch (AmcHttpException e)
        {
            throw new SourceQueryException(e.Message, retryable: false, e);
        }
        catch (AmcHostNotAllowedException e)
        {
            throw new SourceQueryException(e.Message, retryable: false, e);
        }
        catch (AmcException e)
        {
            throw new SourceQueryException(e.Message, retryable: true, e);
        }
    }
}
