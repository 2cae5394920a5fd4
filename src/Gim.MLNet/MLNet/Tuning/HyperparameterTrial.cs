using Gim.MLNet.Scoring;

namespace Gim.MLNet;

/// <summary>One trial of a hyper-parameter search: the candidate, its validation score and times, or why it failed.</summary>
/// <typeparam name="TParams">The candidate type.</typeparam>
/// <param name="Index">The trial's 0-based position (its row in <see cref="HyperparameterSearchResult{TParams}.Table"/>).</param>
/// <param name="Name">The trial's label: "#index candidate".</param>
/// <param name="Parameters">The candidate.</param>
/// <param name="Score">The value of the search metric on the validation contexts; NaN when the trial failed.</param>
/// <param name="FitSeconds">Seconds to fit; NaN when the fit failed.</param>
/// <param name="PredictSeconds">Seconds to predict the validation contexts; NaN when that failed.</param>
/// <param name="Error">What failed, or null.</param>
/// <param name="Row">The trial's full leaderboard row (every metric).</param>
public sealed record HyperparameterTrial<TParams>(int Index, string Name, TParams Parameters, double Score, double FitSeconds,
    double PredictSeconds, string? Error, LeaderboardRow Row);
