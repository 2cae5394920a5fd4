using System.Globalization;
using System.Reflection;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>
/// `gim-nonlinear`: GIM with the nonlinear causal model (docs/nonlinear.md), otherwise the same options
/// (and command-line overrides) as gim-linear.
/// </summary>
/// <remarks>
/// For sweeps, the environment variable GIM_NONLINEAR="Name=value,..." overrides properties of
/// <see cref="NonlinearCausalOptions"/> or, failing that, of <see cref="GimOptions"/> for this method only
/// (e.g. GIM_NONLINEAR="HiddenWidth=16,CellBatchSize=32,LearningRate=0.01").
/// </remarks>
internal sealed class NonlinearGimMethod : IBenchmarkMethod
{
    public const string EnvironmentVariable = "GIM_NONLINEAR";
    private readonly GimOptions _options;
    private GimModel? _model;

    private NonlinearGimMethod(string name, GimOptions options)
    {
        Name = name;
        _options = options;
    }

    public static IBenchmarkMethod Create(string name, GimOptions options)
    {
        options.CausalModel = CausalModelKind.Nonlinear;
        string? overrides = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overrides))
            foreach (string pair in overrides.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                Apply(options, pair);
        return new NonlinearGimMethod(name, options);
    }

    public string Name { get; }

    private GimModel Model => _model ?? throw new InvalidOperationException("Fit first.");

    public double[,]? Graph => _model?.Graph();

    /// <summary>Fits; with GIM_NONLINEAR_LOG=1 the trainer's progress lines go to the console (for sweeps).</summary>
    public void Fit(PerturbationDataset train)
    {
        _model?.Dispose();
        var trainer = new GimTrainer(_options);
        if (Environment.GetEnvironmentVariable(EnvironmentVariable + "_LOG") == "1") trainer.Log = Console.WriteLine;
        _model = trainer.Fit(train);
    }

    public float[,] Sample(float[] features, int count, int seed) => Model.Sample(features, count, PredictionMode.Map, seed);

    public double[]? TargetScores(float[] features) =>
        Model.Explain(features).TargetProbabilities.Select(p => (double)p).ToArray();

    public void Dispose() => _model?.Dispose();

    private static void Apply(GimOptions options, string pair)
    {
        string[] parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
        if (parts.Length != 2) throw new ArgumentException($"{EnvironmentVariable}: expected Name=value, got '{pair}'");
        object target = options.Nonlinear;
        PropertyInfo? property = typeof(NonlinearCausalOptions).GetProperty(parts[0]);
        if (property is null)
        {
            target = options;
            property = typeof(GimOptions).GetProperty(parts[0])
                ?? throw new ArgumentException($"{EnvironmentVariable}: no option named '{parts[0]}'");
        }
        object value = property.PropertyType.IsEnum
            ? Enum.Parse(property.PropertyType, parts[1], ignoreCase: true)
            : Convert.ChangeType(parts[1], property.PropertyType, CultureInfo.InvariantCulture);
        property.SetValue(target, value);
    }
}
