using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Analytics.Data.Amc;
using Analytics.Domain.Reports.Parameters;
using Analytics.Domain.Sources;
using Analytics.Tests.Infrastructure;

namespace Analytics.Tests.Amc;

public sealed class AmcClientTests : IAsyncLifetime
{
    private static readonly AmcTimeWindow Window = new(new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 1, 13, 0, 0, 0, TimeSpan.Zero));
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);
    private const string Sql = "SELECT campaign, SUM(impressions) AS impressions FROM sponsored_ads_traffic GROUP BY campaign";

    private readonly HttpClient _http = new();
    private FakeAmcServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAmcServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private AmcClient Client(int maxAttempts = 5, TimeSpan? maxRetryAfter = null, TimeSpan? requestTimeout = null, TimeSpan? listingClockSkew = null) => new(_http, new AmcRetryOptions
    {
        ListingClockSkew = listingClockSkew ?? new AmcRetryOptions().ListingClockSkew,
        MaxAttempts = maxAttempts,
        BaseDelay = TimeSpan.FromMilliseconds(5),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryAfter = maxRetryAfter ?? TimeSpan.FromSeconds(5),
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(10),
    }, TimeProvider.System, new Random(42));

    [Fact]
    public async Task Happy_path_sends_the_contract_body_and_headers_and_keeps_suppressed_rows()
    {
        var sql = SqlTemplate.Parse("SELECT campaign, SUM(impressions) AS impressions\n\tFROM sponsored_ads_traffic\nWHERE campaign <> {{c}}\nGROUP BY campaign;")
            .RenderAmc(new Dictionary<string, ParameterValue> { ["c"] = new("c", ParameterType.String, "O'Brien") });

        var run = await Client().RunAsync(_server.Settings, sql, Window, Poll, new InMemoryRemoteRunJournal(), CancellationToken.None);

        var post = _server.RequestsTo("POST").Should().ContainSingle().Subject;
        post.Path.Should().Be($"/amc/reporting/{FakeAmcServer.InstanceId}/workflowExecutions");
        post.Header("Authorization").Should().Be($"Bearer {FakeAmcServer.Token}");
        post.Header("Amazon-Advertising-API-ClientId").Should().Be(FakeAmcServer.ClientId);
        post.Header("Amazon-Advertising-API-AdvertiserId").Should().Be(FakeAmcServer.AdvertiserId);
        post.Header("Amazon-Advertising-API-MarketplaceId").Should().Be(FakeAmcServer.MarketplaceId);
        using var body = JsonDocument.Parse(post.Body);
        var root = body.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal("workflow", "timeWindowType", "timeWindowStart", "timeWindowEnd", "timeWindowTimeZone");
        var sent = root.GetProperty("workflow").GetProperty("sqlQuery").GetString()!;
        sent.Should().Be(sql).And.NotContainAny("\n", "\t", "\r").And.NotEndWith(";").And.Contain("'O''Brien'");
        root.GetProperty("timeWindowType").GetString().Should().Be("EXPLICIT");
        root.GetProperty("timeWindowStart").GetString().Should().Be("2025-01-06T00:00:00");
        root.GetProperty("timeWindowEnd").GetString().Should().Be("2025-01-13T00:00:00");
        root.GetProperty("timeWindowTimeZone").GetString().Should().Be("UTC");

        run.Reused.Should().BeFalse();
        run.Result.Columns.Should().Equal("campaign", "impressions", "clicks");
        run.Result.Rows.Should().HaveCount(2);
        run.Result.Rows[0].Should().Equal("Spring Sale", "1000", "25");
        run.Result.Rows[1].Should().Equal(null, "120", "3");
        _server.Requests.Where(r => r.Path.StartsWith("/results/", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Header("Authorization").Should().BeNull("download URLs are pre-signed; AMC credentials stay with AMC");
        _server.RequestsTo("DELETE").Should().BeEmpty();
    }

    [Fact]
    public async Task Reads_every_result_file_and_quoted_cells()
    {
        _server.ResultCsvParts = ["campaign,clicks\n\"Sale, \"\"big\"\"\",5\n", "campaign,clicks\r\n\"\",7\r\n,9\r\n"];

        var run = await Client().RunAsync(_server.Settings, Sql, Window, Poll, new InMemoryRemoteRunJournal(), CancellationToken.None);

        run.Result.Rows.Should().HaveCount(3);
        run.Result.Rows[0].Should().Equal("Sale, \"big\"", "5");
        run.Result.Rows[1].Should().Equal("", "7");
        run.Result.Rows[2].Should().Equal(null, "9");
    }

    [Theory]
    [InlineData("SELECT 1\nFROM t")]
    [InlineData("SELECT 1\tFROM t")]
    [InlineData("SELECT 1 FROM t;")]
    [InlineData("SELECT 1 FROM t; ")]
    public async Task Sql_that_is_not_one_line_is_rejected_before_any_request(string sql)
    {
        var act = () => Client().CreateExecutionAsync(_server.Settings, sql, Window.Start, Window.End, new InMemoryRemoteRunJournal(), CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>();
        _server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Too_many_requests_with_retry_after_waits_at_least_that_long_then_succeeds()
    {
        _server.Fail(new AmcScriptedFault(429, RetryAfter: "1", Method: "POST"));
        var stopwatch = Stopwatch.StartNew();

        var id = await Client().CreateExecutionAsync(_server.Settings, Sql, Window.Start, Window.End, new InMemoryRemoteRunJournal(), CancellationToken.None);

        stopwatch.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9));
        id.Should().NotBeNullOrEmpty();
        _server.RequestsTo("POST").Should().HaveCount(2);
    }

    [Fact]
    public void Retry_after_is_read_as_seconds_or_a_date_and_capped()
    {
        var now = new DateTimeOffset(2025, 1, 6, 12, 0, 0, TimeSpan.Zero);
        var cap = TimeSpan.FromMinutes(1);
        AmcClient.RetryAfter(new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)), now, cap).Should().Be(TimeSpan.FromSeconds(7));
        AmcClient.RetryAfter(new RetryConditionHeaderValue(now.AddSeconds(30)), now, cap).Should().Be(TimeSpan.FromSeconds(30));
        AmcClient.RetryAfter(new RetryConditionHeaderValue(now.AddHours(3)), now, cap).Should().Be(cap);
        AmcClient.RetryAfter(new RetryConditionHeaderValue(now.AddSeconds(-30)), now, cap).Should().Be(TimeSpan.Zero);
        AmcClient.RetryAfter(null, now, cap).Should().BeNull();
    }

    [Fact]
    public async Task Too_many_requests_without_retry_after_and_server_errors_back_off_and_succeed()
    {
        _server.Fail(new AmcScriptedFault(429, Method: "POST"));
        _server.Fail(new AmcScriptedFault(503, Method: "POST"), times: 2);
        _server.Fail(new AmcScriptedFault(500, Method: "GET"), times: 2);

        var run = await Client().RunAsync(_server.Settings, Sql, Window, Poll, new InMemoryRemoteRunJournal(), CancellationToken.None);

        run.Result.Rows.Should().HaveCount(2);
        _server.RequestsTo("POST").Should().HaveCount(4, "one 429, two 503s, then the success");
    }

    [Fact]
    public void Backoff_is_full_jitter_under_an_exponential_ceiling()
    {
        var client = new AmcClient(_http, new AmcRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(1000) }, TimeProvider.System, new Random(1));
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var ceiling = Math.Min(1000, 100 * Math.Pow(2, attempt - 1));
            var delay = client.Backoff(attempt);
            delay.Should().BeGreaterThanOrEqualTo(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromMilliseconds(ceiling));
        }
        Enumerable.Range(0, 20).Select(_ => client.Backoff(5)).Distinct().Should().HaveCountGreaterThan(1, "the delay is jittered");
    }

    [Fact]
    public async Task A_client_error_is_not_retried_and_its_body_is_surfaced()
    {
        _server.Fail(new AmcScriptedFault(400, Body: "{\"message\":\"Unknown table nope\"}", Method: "POST"));

        var act = () => Client().CreateExecutionAsync(_server.Settings, Sql, Window.Start, Window.End, new InMemoryRemoteRunJournal(), CancellationToken.None);

        var error = (await act.Should().ThrowAsync<AmcHttpException>()).Which;
        error.StatusCode.Should().Be(400);
        error.Message.Should().Contain("Unknown table nope");
        _server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Missing_credentials_answer_401_and_are_not_retried()
    {
        var settings = _server.Settings with { AccessToken = "wrong" };

        var act = () => Client().GetStatusAsync(settings, "exec-1", CancellationToken.None);

        (await act.Should().ThrowAsync<AmcHttpException>()).Which.StatusCode.Should().Be(401);
        _server.Requests.Should().ContainSingle();
        settings.ToString().Should().NotContain("wrong", "the token never reaches logs");
    }

    [Fact]
    public async Task A_privacy_rejection_is_final_and_never_resubmitted()
    {
        _server.FinalStatus = "REJECTED";
        _server.FinalReason = "Aggregation threshold not met: too few users in the result (privacy)";
        var client = Client();
        var journal = new InMemoryRemoteRunJournal();

        var first = () => client.RunAsync(_server.Settings, Sql, Window, Poll, journal, CancellationToken.None);
        var rejected = (await first.Should().ThrowAsync<AmcRejectedException>()).Which;
        rejected.Message.Should().Contain("final").And.Contain("Aggregation threshold");
        rejected.IsRetryable.Should().BeFalse();

        // The same run again (a retry) reads its recorded execution's verdict; it does not submit the window again.
        var again = () => client.RunAsync(_server.Settings, Sql, Window, Poll, journal, CancellationToken.None);
        await again.Should().ThrowAsync<AmcRejectedException>();
        _server.RequestsTo("POST").Should().ContainSingle("a rejected window is not submitted again");
    }

    [Fact]
    public async Task A_failed_execution_is_reported_as_retryable()
    {
        _server.FinalStatus = "FAILED";
        _server.FinalReason = "Internal error";

        var act = () => Client().RunAsync(_server.Settings, Sql, Window, Poll, new InMemoryRemoteRunJournal(), CancellationToken.None);

        var failed = (await act.Should().ThrowAsync<AmcExecutionFailedException>()).Which;
        failed.IsRetryable.Should().BeTrue();
        failed.Message.Should().Contain("Internal error");
    }

    [Fact]
    public async Task Retries_give_up_after_max_attempts_with_a_clear_message()
    {
        _server.Fail(new AmcScriptedFault(503, Body: "{\"message\":\"down\"}", Method: "POST"), times: 10);

        var act = () => Client(maxAttempts: 3).CreateExecutionAsync(_server.Settings, Sql, Window.Start, Window.End, new InMemoryRemoteRunJournal(), CancellationToken.None);

        var error = (await act.Should().ThrowAsync<AmcRetriesExhaustedException>()).Which;
        error.Attempts.Should().Be(3);
        error.Message.Should().Contain("after 3 attempts").And.Contain("503").And.Contain("POST");
        _server.RequestsTo("POST").Should().HaveCount(3);
    }

    [Fact]
    public async Task Cancelling_the_run_cancels_the_remote_execution()
    {
        _server.PollsToFinish = 100_000;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var act = () => Client().RunAsync(_server.Settings, Sql, Window, Poll, new InMemoryRemoteRunJournal(), cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        _server.RequestsTo("DELETE").Should().ContainSingle().Which.Path.Should().EndWith("/workflowExecutions/exec-1");
        var status = await Client().GetStatusAsync(_server.Settings, "exec-1", CancellationToken.None);
        status.Status.Should().Be(AmcExecutionStatus.Cancelled);
    }

    [Fact]
    public async Task A_run_stopped_by_shutdown_leaves_the_remote_execution_running_for_the_resumed_run()
    {
        _server.PollsToFinish = 100_000;
        using var stopping = new CancellationTokenSource();
        var journal = new InMemoryRemoteRunJournal();
        var run = Client().RunAsync(_server.Settings, Sql, Window, Poll, journal, stopping.Token, stopping: stopping.Token);
        while (!_server.Requests.Any(r => r.Method == "GET" && r.Path.EndsWith("/exec-1", StringComparison.Ordinal))) await Task.Delay(10);

        await stopping.CancelAsync();

        await run.Awaiting(r => r).Should().ThrowAsync<OperationCanceledException>();
        _server.RequestsTo("DELETE").Should().BeEmpty("the process is stopping; the execution is not cancelled at AMC");
        journal.RemoteId.Should().Be("exec-1", "the id was stored when AMC answered, before polling");
        _server.PollsToFinish = 1;
        var resumed = await Client().RunAsync(_server.Settings, Sql, Window, Poll, journal, CancellationToken.None);
        resumed.WorkflowExecutionId.Should().Be("exec-1");
        _server.RequestsTo("POST").Should().ContainSingle("the resumed run polls the stored id");
        _server.RequestsTo("GET").Should().NotContain(r => r.Path.EndsWith("/workflowExecutions", StringComparison.Ordinal), "with its id stored, nothing needs listing");
    }

    [Fact]
    public async Task A_run_cancelled_on_amcs_side_says_so()
    {
        _server.FinalStatus = "CANCELLED";
        _server.FinalReason = "Cancelled by user";

        var act = () => Client().RunAsync(_server.Settings, Sql, Window, Poll, new InMemoryRemoteRunJournal(), CancellationToken.None);

        (await act.Should().ThrowAsync<AmcCancelledException>()).Which.Message.Should().Contain("Cancelled by user");
    }

    /// <summary>An AMC execution created for the window by a submission whose process died before it stored the answer.</summary>
    private async Task<(string Id, DateTimeOffset Since)> LostSubmissionAsync(string sql = Sql)
    {
        var since = DateTimeOffset.UtcNow;
        var id = await Client().CreateExecutionAsync(_server.Settings, sql, Window.Start, Window.End, new InMemoryRemoteRunJournal(), CancellationToken.None);
        return (id, since);
    }

    [Fact]
    public async Task A_run_whose_answer_was_lost_in_a_crash_takes_the_one_execution_listed_for_its_window_since_it_began_submitting()
    {
        _server.PollsToFinish = 3;
        var (lost, since) = await LostSubmissionAsync();

        var journal = new InMemoryRemoteRunJournal(submittingSince: since);
        var run = await Client().RunAsync(_server.Settings, Sql, Window, Poll, journal, CancellationToken.None);

        run.Reused.Should().BeTrue();
        run.WorkflowExecutionId.Should().Be(lost);
        journal.RemoteId.Should().Be(lost, "claimed and stored before polling");
        run.Result.Rows.Should().HaveCount(2);
        _server.RequestsTo("POST").Should().ContainSingle("the window runs once at AMC");
        _server.RequestsTo("GET").Should().Contain(r => r.Path.EndsWith("/workflowExecutions", StringComparison.Ordinal) && r.Query.Contains("minCreationTime=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_crash_before_the_post_left_nothing_at_AMC_so_the_run_submits_once()
    {
        var journal = new InMemoryRemoteRunJournal(submittingSince: DateTimeOffset.UtcNow.AddSeconds(-2));

        var run = await Client().RunAsync(_server.Settings, Sql, Window, Poll, journal, CancellationToken.None);

        run.Reused.Should().BeFalse();
        _server.RequestsTo("POST").Should().ContainSingle();
    }

    [Fact]
    public async Task Two_unclaimed_executions_of_the_window_are_never_guessed_between_when_the_listing_has_no_sql()
    {
        var (first, since) = await LostSubmissionAsync();
        var (second, _) = await LostSubmissionAsync(Sql + " HAVING SUM(impressions) > 0"); // another report's, lost in the same crash

        var act = () => Client().RunAsync(_server.Settings, Sql, Window, Poll, new InMemoryRemoteRunJournal(submittingSince: since), CancellationToken.None);

        var ambiguous = (await act.Should().ThrowAsync<RemoteRunAmbiguousException>()).Which;
        ambiguous.Candidates.Select(c => c.RemoteExecutionId).Should().BeEquivalentTo([first, second]);
        ambiguous.Message.Should().Contain("Awaiting your choice");
        _server.RequestsTo("POST").Should().HaveCount(2, "nothing is submitted blindly");
    }

    [Fact]
    public async Task When_the_listing_happens_to_carry_the_sql_it_tells_the_runs_apart()
    {
        _server.ListsSql = true;
        var (ours, since) = await LostSubmissionAsync();
        await LostSubmissionAsync(Sql + " HAVING SUM(impressions) > 0");

        var run = await Client().RunAsync(_server.Settings, Sql, Window, Poll, new InMemoryRemoteRunJournal(submittingSince: since), CancellationToken.None);

        run.WorkflowExecutionId.Should().Be(ours);
        _server.RequestsTo("POST").Should().HaveCount(2);
    }

    [Fact]
    public async Task An_execution_another_run_of_ours_holds_or_one_created_before_the_mark_is_never_taken()
    {
        var (older, _) = await LostSubmissionAsync();
        await Task.Delay(1100); // minCreationTime has second resolution
        var (held, since) = await LostSubmissionAsync();
        var claimed = new HashSet<string> { held };

        var run = await Client(listingClockSkew: TimeSpan.Zero).RunAsync(_server.Settings, Sql, Window, Poll,
            new InMemoryRemoteRunJournal(claimed, submittingSince: since), CancellationToken.None);

        run.Reused.Should().BeFalse();
        run.WorkflowExecutionId.Should().NotBe(older).And.NotBe(held);
        _server.RequestsTo("POST").Should().HaveCount(3, "neither is this run's: it submits its own");
    }

    [Fact]
    public async Task A_request_that_times_out_is_retried()
    {
        _server.Fail(new AmcScriptedFault(200, Method: "GET", Stall: TimeSpan.FromSeconds(5)));
        var client = Client(requestTimeout: TimeSpan.FromMilliseconds(300));
        var id = await client.CreateExecutionAsync(_server.Settings, Sql, Window.Start, Window.End, new InMemoryRemoteRunJournal(), CancellationToken.None);

        var status = await client.GetStatusAsync(_server.Settings, id, CancellationToken.None);

        status.WorkflowExecutionId.Should().Be(id);
        _server.RequestsTo("GET").Should().HaveCount(2);
    }

    [Fact]
    public async Task A_submission_whose_answer_was_lost_is_found_instead_of_submitted_again()
    {
        _server.Fail(new AmcScriptedFault(502, Method: "POST", AfterHandling: true));

        var run = await Client().RunAsync(_server.Settings, Sql, Window, Poll, new InMemoryRemoteRunJournal(), CancellationToken.None);

        run.WorkflowExecutionId.Should().Be("exec-1");
        run.Result.Rows.Should().HaveCount(2);
        _server.RequestsTo("POST").Should().ContainSingle("the execution the 502 hid was found by listing, not created twice");
    }

    [Fact]
    public void Csv_keeps_nulls_in_one_column_results_and_ignores_blank_lines_otherwise()
    {
        AmcCsv.Parse("campaign\nA\n\nB\n").Rows.Should().BeEquivalentTo(new[] { new[] { "A" }, new string?[] { null }, new[] { "B" } }, o => o.WithStrictOrdering());
        AmcCsv.Parse("\uFEFFcampaign,clicks\r\nA,1\r\n\r\n,2").Rows.Should().BeEquivalentTo(new[] { new string?[] { "A", "1" }, new string?[] { null, "2" } }, o => o.WithStrictOrdering());
        AmcCsv.Parse("").Columns.Should().BeEmpty();
        var act = () => AmcCsv.Parse("a,b\n1\n");
        act.Should().Throw<AmcException>().WithMessage("*row 1 has 1 cells for 2 columns*");
    }
}
