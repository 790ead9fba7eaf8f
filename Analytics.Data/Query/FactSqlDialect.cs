namespace Analytics.Data.Query;

/// <summary>
/// The one place fact SQL differs between SQLite and PostgreSQL. Everything else (the shape of reads, rollup
/// maintenance) is written once, with parameters only; identifiers come from dataset definitions (slot numbers).
/// </summary>
public interface IFactSqlDialect
{
    DatabaseProvider Provider { get; }

    /// <summary>An integer expression: the UTC month start (Unix seconds) of the Unix-seconds expression <paramref name="ts"/>.</summary>
    string MonthStart(string ts);

    /// <summary>
    /// Rows per prepared multi-row <c>INSERT</c>: 1 on SQLite (in process; it looks parameters up by name linearly, so
    /// wide statements are slower), many on PostgreSQL (each statement is a round trip).
    /// </summary>
    int RowsPerInsert { get; }
}

internal static class FactSql
{
    /// <summary>Adds the parameter <paramref name="name"/> = <paramref name="value"/> to <paramref name="command"/>.</summary>
    public static void Add(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>
    /// <c> AND (dN IN (@prefix0, …) OR dN IS NULL)</c>: one dimension filter on slot <paramref name="slot"/>, every value
    /// a parameter named from <paramref name="prefix"/>; a null value matches NULL. An empty list appends nothing.
    /// </summary>
    public static void AppendDimensionFilter(System.Text.StringBuilder sql, System.Data.Common.DbCommand command, int slot, IReadOnlyList<string?> values, string prefix)
    {
        var names = new List<string>();
        var nulls = false;
        for (var j = 0; j < values.Count; j++)
        {
            if (values[j] is null) { nulls = true; continue; }
            var name = $"{prefix}{j}";
            names.Add(name);
            Add(command, name, values[j]!);
        }
        var clauses = new List<string>();
        if (names.Count > 0) clauses.Add($"d{slot} IN ({string.Join(", ", names)})");
        if (nulls) clauses.Add($"d{slot} IS NULL");
        if (clauses.Count > 0) sql.Append(" AND (").AppendJoin(" OR ", clauses).Append(')');
    }

    /// <summary>UTC ISO-week start (Monday) of Unix seconds, in integer arithmetic both databases share (1970-01-01 was a Thursday).</summary>
    public static string WeekStart(string ts) => $"(({ts}) / 86400 - (({ts}) / 86400 + 3) % 7) * 86400";
}

internal sealed class SqliteFactSqlDialect : IFactSqlDialect
{
    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string MonthStart(string ts) => $"CAST(strftime('%s', {ts}, 'unixepoch', 'start of month') AS INTEGER)";

    public int RowsPerInsert => 1;
}

internal sealed class PostgresFactSqlDialect : IFactSqlDialect
{
    public DatabaseProvider Provider => DatabaseProvider.Postgres;

    public string MonthStart(string ts) => $"CAST(EXTRACT(EPOCH FROM date_trunc('month', to_timestamp({ts}) AT TIME ZONE 'UTC')) AS BIGINT)";

    public int RowsPerInsert => 200;
}
