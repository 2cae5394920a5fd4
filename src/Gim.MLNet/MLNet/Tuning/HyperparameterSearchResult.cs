using System.Globalization;
using Gim.MLNet.Scoring;

namespace Gim.MLNet;

/// <summary>The outcome of <see cref="PerturbationCatalog.SearchHyperparameters{TParams}"/>: the best candidate and every trial.</summary>
/// <typeparam name="TParams">The candidate type.</typeparam>
public sealed class HyperparameterSearchResult<TParams>
{
    internal HyperparameterSearchResult(string metric, bool maximize, IReadOnlyList<HyperparameterTrial<TParams>> trials,
        HyperparameterTrial<TParams> best, Leaderboard table, ContextSplit split)
    {
        Metric = metric;
        Maximize = maximize;
        Trials = trials;
        Best = best;
        Table = table;
        Split = split;
    }

    /// <summary>The metric that ranked the trials.</summary>
    public string Metric { get; }

    /// <summary>Whether larger scores were better.</summary>
    public bool Maximize { get; }

    /// <summary>Every trial, in the order run.</summary>
    public IReadOnlyList<HyperparameterTrial<TParams>> Trials { get; }

    /// <summary>The trial with the best score (the first one on ties).</summary>
    public HyperparameterTrial<TParams> Best { get; }

    /// <summary>The best trial's candidate: refit it on all the data for the final model.</summary>
    public TParams BestParameters => Best.Parameters;

    /// <summary>The full trial table: one leaderboard row per trial, every metric on the "validation" split, fit and predict seconds.</summary>
    public Leaderboard Table { get; }

    /// <summary>The training/validation split every trial used.</summary>
    public ContextSplit Split { get; }

    /// <summary>"best: name (metric = value)" followed by the trial table.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"best: {Best.Name} ({Metric} = {Best.Score:G6}, {(Maximize ? "maximised" : "minimised")})\n") + Table;
}
