namespace Gim.MLNet.Scoring;

/// <summary>A numeric column of a <see cref="Leaderboard"/>: a metric on one split, or the fit time (no split).</summary>
/// <param name="Split">The split, or null for <see cref="PerturbationMetrics.FitSeconds"/>.</param>
/// <param name="Metric">A <see cref="PerturbationMetrics"/> name.</param>
public sealed record LeaderboardColumn(string? Split, string Metric)
{
    /// <summary>The header: "fit_seconds" or "split/metric".</summary>
    public string Name => Split is null ? Metric : $"{Split}/{Metric}";

    /// <inheritdoc />
    public override string ToString() => Name;
}
