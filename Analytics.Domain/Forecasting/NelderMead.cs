namespace Analytics.Domain.Forecasting;

/// <summary>
/// The Nelder–Mead simplex: minimizes a function of a few unconstrained parameters without derivatives (the model maps
/// its bounded smoothing parameters onto the real line, so the search needs no bounds). Deterministic: same start, same
/// answer.
/// </summary>
public static class NelderMead
{
    public static double[] Minimize(Func<double[], double> f, double[] start, double step = 1.0, int maxEvaluations = 400, double tolerance = 1e-7)
    {
        var n = start.Length;
        var points = new double[n + 1][];
        var values = new double[n + 1];
        points[0] = (double[])start.Clone();
        for (var i = 0; i < n; i++)
        {
            points[i + 1] = (double[])start.Clone();
            points[i + 1][i] += step;
        }
        for (var i = 0; i <= n; i++) values[i] = f(points[i]);
        var evaluations = n + 1;
        var order = Enumerable.Range(0, n + 1).ToArray();

        while (evaluations < maxEvaluations)
        {
            Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));
            int best = order[0], worst = order[n], second = order[n - 1];
            if (Math.Abs(values[worst] - values[best]) <= tolerance * (Math.Abs(values[best]) + tolerance)) break;

            var centroid = new double[n];
            foreach (var i in order.Take(n))
                for (var d = 0; d < n; d++) centroid[d] += points[i][d] / n;

            double[] Toward(double t) => centroid.Select((c, d) => c + t * (points[worst][d] - c)).ToArray();
            var reflected = Toward(-1);
            var fr = f(reflected); evaluations++;
            if (fr < values[best])
            {
                var expanded = Toward(-2);
                var fe = f(expanded); evaluations++;
                (points[worst], values[worst]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[second])
            {
                (points[worst], values[worst]) = (reflected, fr);
            }
            else
            {
                var contracted = fr < values[worst] ? Toward(-0.5) : Toward(0.5);
                var fc = f(contracted); evaluations++;
                if (fc < Math.Min(fr, values[worst]))
                {
                    (points[worst], values[worst]) = (contracted, fc);
                }
                else
                {
                    // Shrink everything toward the best point.
                    foreach (var i in order.Skip(1))
                    {
                        for (var d = 0; d < n; d++) points[i][d] = points[best][d] + 0.5 * (points[i][d] - points[best][d]);
                        values[i] = f(points[i]); evaluations++;
                    }
                }
            }
        }
        var argmin = Enumerable.Range(0, n + 1).MinBy(i => values[i]);
        return points[argmin];
    }
}
