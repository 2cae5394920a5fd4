using System.Globalization;
using Gim.MLNet;
using Gim.MLNet.Causal;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Peers;
using Microsoft.ML;
using Microsoft.ML.Data;

// usage: Gim.MLNet.TestWorker <checkpoint> <result> <maxSteps> <checkpointEvery>
// Trains GIM on a small Hill screen with checkpoints; writes the learned graph and one prediction,
// in round-trip format, to <result> when training completes.
// usage: Gim.MLNet.TestWorker undisposed <tempFolder>
// Fits a peer through ML.NET with MLContext.TempFilePath = <tempFolder>, prints the files there, and exits
// without disposing the model.
if (args is ["undisposed", string tempFolder])
{
    var mlContext = new MLContext(seed: 1) { TempFilePath = tempFolder };
    var rows = Enumerable.Range(0, 40).Select(i => new WorkerRow
    {
        Features = [i % 4, 0], Measurements = [i % 4 + 0.1f * (i % 3), -(i % 4)], Context = $"c{i % 4}", IsControl = i % 4 == 0,
    });
    IDataView data = mlContext.Data.LoadFromEnumerable(rows);
    var peer = mlContext.Perturbation().Trainers.Control(new ControlOptions { Seed = 1 }).Fit(data);
    Console.WriteLine($"files {Directory.GetFiles(tempFolder).Length}");
    GC.KeepAlive(peer);
    return 0;
}
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: Gim.MLNet.TestWorker <checkpoint> <result> <maxSteps> <checkpointEvery>");
    return 2;
}
HillScreen screen = HillScreen.Generate(new HillScreenOptions
{
    Seed = 0, Variables = 8, TrainDrugs = 24, NewDrugs = 10, SamplesPerTrainContext = 40, ControlSamples = 400,
    SamplesPerTestContext = 60, MaxTargets = 2,
});
var options = new GimOptions
{
    MaxSteps = int.Parse(args[2], CultureInfo.InvariantCulture),
    CheckpointEvery = int.Parse(args[3], CultureInfo.InvariantCulture),
    CheckpointPath = args[0],
    EvaluateEvery = 100,
};
var trainer = new GimTrainer(options) { Log = line => Console.WriteLine(line) };
using GimModel model = trainer.Fit(screen.Train.Data, screen.PartialOod.Data);
double[,] graph = model.Graph();
float[] mean = model.PredictMean(screen.FullOod.Data.Contexts[0].Features);
var lines = new List<string> { $"steps {model.StepsRun}" };
lines.Add(string.Join(' ', graph.Cast<double>().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
lines.Add(string.Join(' ', mean.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
File.WriteAllLines(args[1], lines);
return 0;

/// <summary>One cell: perturbation features, measurements, and its context.</summary>
internal sealed class WorkerRow
{
    [VectorType(2)] public float[] Features { get; set; } = [];
    [VectorType(2)] public float[] Measurements { get; set; } = [];
    public string Context { get; set; } = "";
    public bool IsControl { get; set; }
}
