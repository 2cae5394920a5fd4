using System.Globalization;
using Gim.MLNet.Prediction;
using Gim.MLNet.Synthetic;
using Gim.MLNet.Training;

// usage: Gim.MLNet.TestWorker <checkpoint> <result> <maxSteps> <checkpointEvery>
// Trains GIM on a small Hill screen with checkpoints; writes the learned graph and one prediction,
// in round-trip format, to <result> when training completes.
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
