using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Domain.Chat;

/// <summary>
/// Parses a common analyst question into a <see cref="ChatPlan"/> without any language model (the offline chat
/// planner, <c>OfflineChatPlanner</c>, runs the plan).
/// It reads, in order, catalog questions ("what is ACOS?"), time expressions (<see cref="ChatTime"/>), the shape of
/// the question (top/bottom N, trend, comparison, "anything unusual"), metrics by name or synonym, dimensions to group
/// by, and dimension values by name (fuzzy: plurals and small typos). A question that names no metric leans on the
/// previous turn's plan ("and by campaign?", "only for Contoso", "and the month before?"). Pure: no I/O, "today" is given.
/// </summary>
public static partial class QuestionParser
{
    /// <summary>Synonyms of the built-in metrics; custom metrics are known by their name and label.</summary>
    private static readonly (string Metric, string[] Words)[] MetricSynonyms =
    [
        ("roas", ["roas", "return on ad spend", "return on advertising spend", "return on spend", "return on investment", "roi"]),
        ("acos", ["acos", "advertising cost of sales", "advertising cost of sale", "ad cost of sales", "cost of sales"]),
        ("cpc", ["cpc", "cost per click", "cost-per-click", "price per click"]),
        ("cpm", ["cpm", "cost per thousand impressions", "cost per thousand", "cost per mille", "cost per 1000 impressions"]),
        ("ctr", ["ctr", "click-through rate", "click through rate", "clickthrough rate", "click rate"]),
        ("cvr", ["cvr", "conversion rate", "conv rate", "conversion rates"]),
        ("impressions", ["impressions", "impression", "impr", "views", "ad views"]),
        ("clicks", ["clicks", "click"]),
        ("spend", ["spend", "spent", "spending", "ad spend", "cost", "costs", "advertising cost", "ad cost"]),
        ("sales", ["sales", "revenue", "revenues", "turnover", "sold"]),
        ("purchases", ["purchases", "purchase", "orders", "order", "conversions"]),
    ];

    private static readonly (string Dimension, string[] Words)[] DimensionSynonyms =
    [
        ("campaign_type", ["campaign types", "campaign type", "ad types", "ad type", "ad products", "types", "type"]),
        ("campaign", ["campaigns", "campaign"]),
        ("asin", ["asins", "asin", "products", "product", "items", "item", "skus", "sku"]),
    ];

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "only", "just", "what", "was", "were", "our", "how", "much", "many", "did", "does", "with", "from",
        "show", "give", "tell", "list", "which", "who", "are", "is", "has", "have", "had", "about", "all", "any",
        "that", "this", "those", "these", "their", "there", "then", "than", "per", "each", "its", "also", "me", "please",
        "by", "of", "in", "on", "at", "to", "we", "us", "you", "your", "get", "see", "can", "could", "would", "should",
        "total", "overall", "highest", "lowest", "top", "bottom", "best", "worst", "most", "least", "compare", "compared",
        "versus", "against", "change", "changed", "trend", "daily", "weekly", "monthly", "over", "time", "period", "before",
        "previous", "prior", "same", "year", "month", "week", "day", "days", "weeks", "months", "quarter", "now", "but",
        "now", "break", "down", "split", "breakdown", "what's", "whats", "how's", "hows", "look", "like", "doing", "perform",
        "performance", "performed", "numbers", "number", "value", "values", "result", "results", "data", "report", "again",
    };

    /// <param name="scope">The filters the question is asked under (the dashboard of the side panel): its range, instances and
    /// dimension values apply unless the question names its own (or says "all campaigns", "everything").</param>
    public static PlanOutcome Parse(string question, ChatVocabulary vocabulary, ChatPlan? previous, DateOnly today, ChatScope? scope = null)
    {
        var text = " " + Normalize(question) + " ";
        // A leading verb is not a value ("display the spend…" is not Sponsored Display).
        text = Regex.Replace(text, @"^\s*(display|show( me)?|give me|tell me|list)\b", " ");
        if (string.IsNullOrWhiteSpace(text)) return NotUnderstood("The question is empty.");

        // Catalog questions.
        if (Regex.IsMatch(text, @"\b(help|what can (i|you) (ask|do)|what do you (know|understand)|examples?|how do i use)\b"))
            return new PlanOutcome(new ChatPlan { Intent = ChatIntent.Help }, null);
        if (Regex.IsMatch(text, @"\b(what|which|list|show)( the| all| your)? (metrics|measures|kpis)\b|\bmetrics (are|do you have|can)\b|\bavailable metrics\b"))
            return new PlanOutcome(new ChatPlan { Intent = ChatIntent.ListMetrics }, null);
        if (Regex.IsMatch(text, @"\b(what|which|list|show)( the| all)? (dimensions|breakdowns|fields)\b|\bwhat can i (group|break|split|filter)\b|\bdimensions (are|do you have)\b"))
            return new PlanOutcome(new ChatPlan { Intent = ChatIntent.ListDimensions }, null);
        if (Regex.IsMatch(text, @"\b(what|which|list|show)( the| all| my| our)? (datasets|data sets|data sources|sources|instances|advertisers|accounts)\b|\bwhat data\b"))
            return new PlanOutcome(new ChatPlan { Intent = ChatIntent.ListDatasets }, null);
        var describe = Regex.Match(text, @"\b(what (is|does|are|'s)|define|explain|how (is|do you|does one) (calculate|compute|define)|how is|meaning of|definition of)\b");
        if (describe.Success && !Regex.IsMatch(text, @"\b(our|my|we|was|were|last|this|by|per|top|trend|since|yesterday|today|q[1-4]|20\d\d)\b"))
        {
            var subject = FindMetrics(ref text, vocabulary).FirstOrDefault();
            if (subject is not null) return new PlanOutcome(new ChatPlan { Intent = ChatIntent.DescribeMetric, Subject = subject }, null);
        }

        // Forecasts: "forecast spend for the next 4 weeks", "where will sales land this month?". The horizon is read (and
        // blanked) before the time words, which would otherwise take "next 4 weeks" as a range.
        var forecast = Regex.IsMatch(text, @"\b(forecast\w*|predict\w*|projected|projection|outlook|where will|will .{0,40}\bland\b|landing|heading|on track)\b");
        int? horizon = null;
        string? forecastGranularity = null;
        if (forecast)
        {
            var ahead = Regex.Match(text, @"\b(?:next|coming|following)\s+(\d{1,3}|a|one|two|three|four|five|six|seven|eight|nine|ten|twelve)?\s*(day|days|week|weeks|month|months)\b");
            if (ahead.Success)
            {
                var count = ahead.Groups[1].Value switch
                {
                    "" or "a" or "one" => 1, "two" => 2, "three" => 3, "four" => 4, "five" => 5, "six" => 6, "seven" => 7, "eight" => 8, "nine" => 9, "ten" => 10, "twelve" => 12,
                    var n => int.Parse(n, CultureInfo.InvariantCulture),
                };
                var unit = ahead.Groups[2].Value.TrimEnd('s');
                (forecastGranularity, horizon) = unit switch
                {
                    "week" => ("week", Math.Clamp(count, 1, 26)),
                    "month" => ("day", Math.Clamp(count * 30, 1, 92)),
                    _ => ("day", Math.Clamp(count, 1, 92)),
                };
                text = Blank(text, ahead);
            }
            else if (Regex.IsMatch(text, @"\b(this month|the month|month[- ]end|end of (the |this )?month|land\w*)\b"))
            {
                forecastGranularity = "month";
            }
            else
            {
                (forecastGranularity, horizon) = ("day", 28);
            }
        }

        var anomalies = Regex.IsMatch(text, @"\b(unusual|anomal\w*|outliers?|spikes?|strange|odd|weird|abnormal|stand(s)? out|surpris\w*|irregular\w*|wrong|out of the ordinary)\b");

        // Derived questions: "average daily spend", "spend per day on average", "share of spend by campaign".
        string? per = null;
        if (Regex.IsMatch(text, @"\b(average|avg|mean|on average)\b")
            && Regex.Match(text, @"\b(daily|(?:per|a|each) day)\b|\b(weekly|(?:per|a|each) week)\b") is { Success: true } perWords)
        {
            per = perWords.Groups[1].Success ? "day" : "week";
            text = Blank(text, perWords);
            text = Regex.Replace(text, @"\b(on average|average|avg|mean)\b", m => new string(' ', m.Length));
        }
        var shareWords = Regex.Match(text, @"\b(share|percentage|percent|proportion|contribution|fraction)( of (the )?total)?\b|% of (the )?total");
        var share = shareWords.Success;
        if (share) text = Blank(text, shareWords);

        // Shape words are read before the time words so that "week over week" is not taken as a week.
        var trend = Regex.Match(text, @"\b(trend(s|ing)?|over time|time series|day by day|week by week|month by month|evolution|evolved|developed|(by|per|each|every) (day|week|month)|daily|weekly|monthly|how (has|have|did) .{0,40}(change|changed|develop|developed|move|moved|evolve|evolved|gone|go|trended))\b");
        string? granularity = null;
        var g = Regex.Match(text, @"\b(daily|(by|per|each|every) day|day by day)\b|\b(weekly|(by|per|each|every) week|week by week)\b|\b(monthly|(by|per|each|every) month|month by month)\b");
        if (g.Success) granularity = g.Groups[1].Success ? "day" : g.Groups[3].Success ? "week" : "month";
        if (g.Success) text = Blank(text, g);

        // A date without a year takes the conversation's period's year, else the latest such period with data.
        var time = ChatTime.Parse(ref text, today, new DateContext(previous?.Range ?? scope?.Range, vocabulary.Coverage));
        if (time.Readings is { Count: > 1 } readings)
            return new PlanOutcome(null, null, Clarify(question, time.Ambiguous ?? "", readings));

        var top = Regex.Match(text, @"\b(top|bottom|best|worst|highest|lowest|largest|smallest|biggest|most|least|leading|weakest|strongest)\b(\s+(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|twenty)\b)?");
        var compareWords = Regex.IsMatch(text, @"\b(compare[ds]?|comparison|vs\.?|versus|against|difference|grow|grew|growth|increase[ds]?|decrease[ds]?|declin\w*|drop(ped)?|rise|rose|up or down|better or worse|change[ds]?)\b");

        var metrics = FindMetrics(ref text, vocabulary);
        var summary = Regex.IsMatch(text, @"\b(how (are|were|did|is) (we|things|it|our account|performance)( doing| going| do| perform)?|overview|summary|summari[sz]e|kpis|key numbers|performance|perform(ed)?)\b");
        var (groupBy, singular) = FindGroupBy(ref text, vocabulary);
        var (filters, sources) = FindValues(question, text, vocabulary, groupBy);

        if (forecast)
        {
            if (scope is not null && !SaysEverything(question))
            {
                foreach (var (dimension, values) in scope.Filters)
                {
                    var known = vocabulary.Dimensions.FirstOrDefault(d => d.Name.Equals(dimension, StringComparison.OrdinalIgnoreCase));
                    if (known is not null && !filters.ContainsKey(known.Name)) filters[known.Name] = values;
                }
                if (sources.Count == 0) sources = [.. scope.SourceIds];
            }
            if (metrics.Count == 0 && previous is { Metrics.Count: > 0 }) metrics = [.. previous.Metrics];
            if (metrics.Count == 0) return NotUnderstood("I could not tell which metric to forecast.");
            return new PlanOutcome(new ChatPlan
            {
                Intent = ChatIntent.Forecast, Metrics = [metrics[0]], Filters = filters, SourceIds = sources,
                Granularity = forecastGranularity, Horizon = horizon,
            }, null);
        }

        var follow = previous is not null && previous.Intent is not (ChatIntent.Unknown or ChatIntent.Help or ChatIntent.ListMetrics or ChatIntent.ListDatasets or ChatIntent.ListDimensions or ChatIntent.DescribeMetric)
            && (metrics.Count == 0 || Regex.IsMatch(text, @"^\s*(and|what about|how about|same|also|now|only|just|but|then|ok|okay|instead)\b"));
        var clear = Regex.IsMatch(text, @"\b(all (campaigns|advertisers|instances|products|asins|types|accounts)|everything|remove (the )?filters?|without (the )?filters?|no filters?|across everything)\b");
        var totalOnly = Regex.IsMatch(text, @"\b(in total|overall|without (the )?breakdown|no breakdown|altogether)\b");

        if (follow)
        {
            var p = previous!;
            var also = Regex.IsMatch(text, @"\b(also|as well|too|add|plus)\b");
            var mergedFilters = clear ? new Dictionary<string, IReadOnlyList<string>>() : new Dictionary<string, IReadOnlyList<string>>(p.Filters);
            foreach (var (k, v) in filters) mergedFilters[k] = v;
            var range = time.Range ?? p.Range;
            var compareTo = time.CompareTo ?? (time.Range is null ? p.CompareTo : null);
            if (time.StepBack && time.Range is null && p.Range is not null)
            {
                range = p.Range.Previous();
                compareTo = p.CompareTo?.Previous();
            }
            if (time.YearOverYear && time.CompareTo is null && range is not null)
            {
                compareTo = range.YearEarlier();
            }
            var intent = p.Intent;
            if (anomalies) intent = ChatIntent.Anomalies;
            else if (top.Success) intent = ChatIntent.TopN;
            else if (trend.Success || granularity is not null) intent = ChatIntent.Trend;
            else if (time.CompareTo is not null || (time.StepBack && time.Range is not null) || time.YearOverYear || time.PeriodOverPeriod) intent = ChatIntent.Compare;
            if (intent == ChatIntent.Compare && compareTo is null && range is not null) compareTo = range.Previous();
            if (time.StepBack && time.Range is not null) compareTo = time.Range.Previous();
            if (time.PeriodOverPeriod && time.CompareTo is null && range is not null && compareTo is null) compareTo = range.Previous();
            // "only Brand campaigns": a value to filter by, not a breakdown; "by week instead" changes how time is split.
            if (filters.Count > 0 && Regex.IsMatch(text, @"^\s*(only|just)\b")) groupBy = [];
            var derived = intent is ChatIntent.Query;
            var plan = p with
            {
                Intent = intent,
                Metrics = metrics.Count == 0 ? p.Metrics : also ? p.Metrics.Concat(metrics).Distinct().ToList() : metrics,
                GroupBy = totalOnly ? [] : groupBy.Count > 0 ? groupBy : share && p.GroupBy.Count == 0 ? ["campaign"] : p.GroupBy,
                Per = derived ? per ?? (share ? null : p.Per) : null,
                Share = derived && (share || (p.Share && per is null && !totalOnly)),
                Filters = mergedFilters,
                SourceIds = sources.Count > 0 ? sources : clear ? [] : p.SourceIds,
                Range = range,
                CompareTo = intent == ChatIntent.Compare ? compareTo : null,
                Granularity = intent == ChatIntent.Trend ? granularity ?? p.Granularity ?? GranularityFor(range) : null,
            };
            if (top.Success) plan = plan with { Limit = TopCount(top, singular), Descending = TopDescending(top, plan.Metrics, vocabulary) };
            var changed = metrics.Count > 0 || groupBy.Count > 0 || per is not null || share || filters.Count > 0 || sources.Count > 0 || time.Range is not null || time.StepBack
                          || clear || totalOnly || top.Success || trend.Success || granularity is not null || anomalies || time.CompareTo is not null
                          || time.YearOverYear || time.PeriodOverPeriod;
            if (!changed) return NotUnderstood($"I could not tell what to change about the previous answer in \"{question.Trim()}\".");
            if (plan.Intent is ChatIntent.TopN && plan.GroupBy.Count == 0) plan = plan with { GroupBy = ["campaign"] };
            return new PlanOutcome(plan, null);
        }

        // The dashboard's filters apply unless the question says otherwise.
        if (scope is not null && !clear && !SaysEverything(question))
        {
            foreach (var (dimension, values) in scope.Filters)
            {
                var known = vocabulary.Dimensions.FirstOrDefault(d => d.Name.Equals(dimension, StringComparison.OrdinalIgnoreCase));
                if (known is not null && !filters.ContainsKey(known.Name)) filters[known.Name] = values;
            }
            if (sources.Count == 0) sources = [.. scope.SourceIds];
        }

        if (anomalies)
        {
            return new PlanOutcome(new ChatPlan
            {
                Intent = ChatIntent.Anomalies, Metrics = metrics, Range = time.Range ?? scope?.Range ?? ChatTime.LastDays(today, 7),
                Filters = filters, SourceIds = sources,
            }, null);
        }

        if (metrics.Count == 0 && summary) metrics = ["spend", "sales", "roas", "acos"];
        if (metrics.Count == 0)
        {
            return NotUnderstood(time.Range is not null || groupBy.Count > 0 || filters.Count > 0
                ? "I could not tell which metric you mean."
                : "I did not understand the question.");
        }

        var baseRange = time.Range ?? scope?.Range ?? ChatTime.Default(today);
        var result = new ChatPlan
        {
            Intent = ChatIntent.Query, Metrics = metrics, GroupBy = totalOnly ? [] : groupBy, Filters = filters, SourceIds = sources, Range = baseRange,
        };
        if (time.CompareTo is not null || (time.StepBack && time.Range is not null) || (compareWords && (time.YearOverYear || time.PeriodOverPeriod)))
        {
            return new PlanOutcome(result with { Intent = ChatIntent.Compare, CompareTo = time.CompareTo ?? baseRange.Previous() }, null);
        }
        if (per is not null) return new PlanOutcome(result with { Per = per, GroupBy = [] }, null);
        if (share) return new PlanOutcome(result with { Share = true, GroupBy = groupBy.Count > 0 ? groupBy : ["campaign"] }, null);
        if (top.Success && (groupBy.Count > 0 || Regex.IsMatch(question, @"\b(which|what)\b", RegexOptions.IgnoreCase)))
        {
            return new PlanOutcome(result with
            {
                Intent = ChatIntent.TopN, GroupBy = groupBy.Count > 0 ? groupBy : ["campaign"],
                Limit = TopCount(top, singular), Descending = TopDescending(top, metrics, vocabulary),
            }, null);
        }
        if (trend.Success || granularity is not null)
        {
            return new PlanOutcome(result with { Intent = ChatIntent.Trend, Granularity = granularity ?? GranularityFor(baseRange) }, null);
        }
        if (compareWords && time.Range is not null)
        {
            return new PlanOutcome(result with { Intent = ChatIntent.Compare, CompareTo = baseRange.Previous() }, null);
        }
        return new PlanOutcome(result, null);
    }

    /// <summary>Questions the planner answers well, to suggest when it did not understand.</summary>
    public static IReadOnlyList<string> Suggestions { get; } =
    [
        "What was our ROAS by campaign last month?",
        "Top 5 campaigns by sales in the last 30 days",
        "How did spend this month compare to the same period last year?",
        "Show the weekly sales trend over the last three months",
        "Anything unusual last week?",
        "Forecast spend for the next 4 weeks",
        "What is ACOS?",
    ];

    private static PlanOutcome NotUnderstood(string why) => new(null, why);

    /// <summary>"Did you mean Mar 4, 2025 or Apr 3, 2025?": one choice per reading, each the question with the date written unambiguously.</summary>
    private static ChatClarification Clarify(string question, string ambiguous, IReadOnlyList<DateRange> readings)
    {
        var choices = readings.Select(r =>
        {
            var iso = r.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var at = ambiguous.Length == 0 ? -1 : question.IndexOf(ambiguous, StringComparison.OrdinalIgnoreCase);
            var rewritten = at < 0 ? $"{question.Trim()} ({iso})" : question[..at] + iso + question[(at + ambiguous.Length)..];
            return new ChatChoice(r.Label, rewritten);
        }).ToList();
        return new ChatClarification($"Which date do you mean by \"{ambiguous}\": {string.Join(" or ", choices.Select(c => c.Label))}?", choices);
    }

    /// <summary>"All campaigns", "everything", "without filters": the question drops the dashboard's filters (read on the whole question, before group-by words are taken out).</summary>
    private static bool SaysEverything(string question) =>
        Regex.IsMatch(" " + Normalize(question) + " ", @"\b(all (campaigns|advertisers|instances|products|asins|types|accounts)|everything|remove (the )?filters?|without (the )?filters?|no filters?|across everything|ignore (the )?(dashboard|filters?))\b");

    private static string GranularityFor(DateRange? range) => range is null || range.Days <= 45 ? "day" : range.Days <= 200 ? "week" : "month";

    private static int TopCount(Match top, bool singular)
    {
        if (top.Groups[3].Success)
        {
            var word = top.Groups[3].Value;
            return word switch
            {
                "one" => 1, "two" => 2, "three" => 3, "four" => 4, "five" => 5, "six" => 6, "seven" => 7, "eight" => 8, "nine" => 9, "ten" => 10, "twenty" => 20,
                _ => Math.Clamp(int.Parse(word, CultureInfo.InvariantCulture), 1, 100),
            };
        }
        return singular ? 1 : 5;
    }

    private static bool TopDescending(Match top, IReadOnlyList<string> metrics, ChatVocabulary vocabulary)
    {
        var word = top.Groups[1].Value;
        var higherIsBetter = metrics.Count == 0 || (vocabulary.Metrics.FirstOrDefault(m => m.Name == metrics[0])?.HigherIsBetter ?? true);
        return word switch
        {
            "bottom" or "lowest" or "smallest" or "least" => false,
            "best" or "strongest" or "leading" => higherIsBetter,
            "worst" or "weakest" => !higherIsBetter,
            _ => true,
        };
    }

    private static string Normalize(string question)
    {
        var s = question.ToLowerInvariant().Replace('’', '\'').Replace('“', ' ').Replace('”', ' ');
        s = Regex.Replace(s, @"[?!,;:""()\[\]]", " ");
        s = Regex.Replace(s, @"(?<=\w)\.(?=\s|$)", " ");
        s = Regex.Replace(s, @"'s\b", "");
        return Regex.Replace(s, @"\s+", " ").Trim();
    }

    private static string Blank(string text, Match m) => text[..m.Index] + new string(' ', m.Length) + text[(m.Index + m.Length)..];

    /// <summary>Metric names, labels and synonyms, longest first so "cost per click" is not read as "cost"; in question order.</summary>
    private static List<string> FindMetrics(ref string text, ChatVocabulary vocabulary)
    {
        var known = vocabulary.Metrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var words = MetricSynonyms.Where(s => known.Contains(s.Metric)).SelectMany(s => s.Words.Select(w => (s.Metric, Word: w))).ToList();
        foreach (var m in vocabulary.Metrics)
        {
            words.Add((m.Name, m.Name.Replace('_', ' ')));
            words.Add((m.Name, m.Name));
            if (m.Label.Length >= 3) words.Add((m.Name, m.Label.ToLowerInvariant()));
        }
        var found = new List<(int At, string Metric)>();
        foreach (var (metric, word) in words.DistinctBy(w => w.Word).OrderByDescending(w => w.Word.Length))
        {
            var m = Regex.Match(text, $@"(?<![\w-]){Regex.Escape(word)}(?![\w-])");
            while (m.Success)
            {
                found.Add((m.Index, metric));
                text = Blank(text, m);
                m = Regex.Match(text, $@"(?<![\w-]){Regex.Escape(word)}(?![\w-])");
            }
        }
        return found.OrderBy(f => f.At).Select(f => f.Metric).Distinct().ToList();
    }

    /// <summary>"by campaign", "per ASIN", "for each campaign type", "which campaigns", "top 5 products".</summary>
    private static (List<string> GroupBy, bool Singular) FindGroupBy(ref string text, ChatVocabulary vocabulary)
    {
        // Words inside a known value ("Sponsored Products") are the value's, not a dimension to group by.
        var protectedSpans = new List<(int Start, int End)>();
        foreach (var value in vocabulary.Dimensions.SelectMany(d => d.Values).Where(v => v.Contains(' ')).Distinct())
        {
            foreach (Match vm in Regex.Matches(text, $@"\b{Regex.Escape(value.ToLowerInvariant())}\b"))
                protectedSpans.Add((vm.Index, vm.Index + vm.Length));
        }
        var groupBy = new List<string>();
        var singular = false;
        foreach (var (dimension, words) in DimensionSynonyms)
        {
            foreach (var word in words)
            {
                var pattern = $@"\b(by|per|for each|for every|each|every|across|across all|broken down by|split by|grouped by|which|what|top\s*\d*|bottom\s*\d*|best\s*\d*|worst\s*\d*|highest|lowest|and|all)?\s*(the |our )?{Regex.Escape(word)}\b";
                var m = Regex.Match(text, pattern);
                while (m.Success)
                {
                    var wordAt = m.Index + m.Length - word.Length;
                    if (protectedSpans.Any(p => wordAt >= p.Start && wordAt < p.End))
                    {
                        // Skip this occurrence: look again after it.
                        m = NextMatch(text, pattern, wordAt + word.Length);
                        continue;
                    }
                    var lead = m.Groups[1].Value;
                    var bare = lead.Length == 0 || lead == "and" || lead == "all";
                    // A bare dimension word ("brand campaigns", "for campaign X") only groups when no value follows; values are read later.
                    if (!bare || !groupBy.Contains(dimension))
                    {
                        if (!bare || Regex.IsMatch(text[(m.Index + m.Length)..], @"^\s*(\?|$|by|last|this|in|for|since|over|during|from|with|ranked|sorted|on|q[1-4]|and)\b"))
                        {
                            if (!groupBy.Contains(dimension)) groupBy.Add(dimension);
                            if (lead is "which" or "what" && !word.EndsWith('s')) singular = true;
                        }
                    }
                    text = Blank(text, m);
                    m = Regex.Match(text, pattern);
                }
            }
        }
        return (groupBy, singular);
    }

    private static Match NextMatch(string text, string pattern, int from) => new Regex(pattern).Match(text, from);

    /// <summary>
    /// Dimension values and instances named in the question, fuzzily: each remaining word is matched against the words
    /// of every known value (exact, plural, or one or two letters off). An instance's words are checked first, so
    /// "Northwind" limits to that advertiser rather than to every campaign whose name contains it.
    /// </summary>
    private static (Dictionary<string, IReadOnlyList<string>> Filters, List<string> Sources) FindValues(string original, string text, ChatVocabulary vocabulary, List<string> groupBy)
    {
        var filters = new Dictionary<string, IReadOnlyList<string>>();
        var sources = new List<string>();

        // ASINs are codes: exact.
        var asins = vocabulary.Dimensions.FirstOrDefault(d => d.Name == "asin")?.Values ?? [];
        foreach (Match m in Regex.Matches(original, @"\b[Bb]0[0-9A-Za-z]{8}\b"))
        {
            var hit = asins.FirstOrDefault(a => a.Equals(m.Value, StringComparison.OrdinalIgnoreCase));
            if (hit is not null) filters["asin"] = (filters.GetValueOrDefault("asin") ?? []).Append(hit).Distinct().ToList();
            text = text.Replace(m.Value.ToLowerInvariant(), " ", StringComparison.Ordinal);
        }

        var tokens = Tokens(text).Where(t => !StopWords.Contains(t)).ToList();
        if (tokens.Count == 0) return (filters, sources);

        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instance in vocabulary.Instances)
        {
            var words = Tokens(instance.Name.ToLowerInvariant()).Where(w => !StopWords.Contains(w)).ToList();
            var matched = tokens.Where(t => words.Any(w => Score(t, w) >= 1)).ToList();
            if (matched.Count == 0) continue;
            sources.Add(instance.Id);
            used.UnionWith(matched);
        }
        var instanceWords = vocabulary.Instances.SelectMany(i => Tokens(i.Name.ToLowerInvariant())).ToHashSet(StringComparer.Ordinal);

        var candidates = new List<(string Dimension, int Score, List<string> Values, HashSet<string> Tokens)>();
        foreach (var dimension in vocabulary.Dimensions.Where(d => d.Name != "asin"))
        {
            var scored = new List<(string Value, int Score, HashSet<string> Tokens)>();
            foreach (var value in dimension.Values)
            {
                var words = Tokens(value.ToLowerInvariant()).Where(w => !instanceWords.Contains(w) && !StopWords.Contains(w)).ToList();
                var score = 0;
                var hits = new HashSet<string>(StringComparer.Ordinal);
                foreach (var w in words)
                {
                    var best = 0;
                    string? by = null;
                    foreach (var t in tokens.Where(t => !used.Contains(t)))
                    {
                        var s = Score(t, w);
                        if (s > best) (best, by) = (s, t);
                    }
                    score += best;
                    if (by is not null) hits.Add(by);
                }
                if (score > 0) scored.Add((value, score, hits));
            }
            if (scored.Count == 0) continue;
            var max = scored.Max(s => s.Score);
            var values = scored.Where(s => s.Score == max).ToList();
            if (values.Count == dimension.Values.Count && dimension.Values.Count > 1) continue;
            candidates.Add((dimension.Name, max, values.Select(v => v.Value).ToList(), values.SelectMany(v => v.Tokens).ToHashSet(StringComparer.Ordinal)));
        }
        foreach (var c in candidates.OrderByDescending(c => c.Score).ThenBy(c => c.Values.Count).ThenBy(c => c.Dimension == "campaign" ? 0 : 1))
        {
            if (c.Tokens.Overlaps(used)) continue;
            // Limiting to sources still applies: keep only values of the named instances when both are given.
            filters[c.Dimension] = c.Values;
            used.UnionWith(c.Tokens);
        }
        return (filters, sources);
    }

    private static IEnumerable<string> Tokens(string text) =>
        Regex.Split(text, @"[^\p{L}\p{Nd}]+").Where(t => t.Length >= 3);

    /// <summary>3 exact, 2 same after dropping a plural ending, 1 a letter or two off (long words only); else 0.</summary>
    private static int Score(string token, string word)
    {
        if (token == word) return 3;
        if (Singular(token) == Singular(word)) return 2;
        var distance = Levenshtein(token, word);
        if (word.Length >= 5 && token.Length >= 5 && distance <= 1) return 1;
        if (word.Length >= 8 && token.Length >= 7 && distance <= 2) return 1;
        return 0;
    }

    private static string Singular(string w) =>
        w.EndsWith("ies", StringComparison.Ordinal) && w.Length > 4 ? w[..^3] + "y"
        : w.EndsWith("es", StringComparison.Ordinal) && (w.EndsWith("ches", StringComparison.Ordinal) || w.EndsWith("shes", StringComparison.Ordinal) || w.EndsWith("xes", StringComparison.Ordinal)) ? w[..^2]
        : w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && w.Length > 3 ? w[..^1]
        : w;

    private static int Levenshtein(string a, string b)
    {
        if (Math.Abs(a.Length - b.Length) > 2) return 3;
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
