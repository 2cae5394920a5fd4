using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>The mutable state of the training loop besides the parameters and the optimiser.</summary>
internal sealed class TrainingLoopState
{
    public int StepsRun { get; set; }
    public double BestValidation { get; set; } = double.NegativeInfinity;
    public int EvaluationsWithoutImprovement { get; set; }
    public TimeSpan ElapsedBefore { get; set; }
    public List<GimTrainingProgress> History { get; } = new();
    public Dictionary<string, Tensor>? BestState { get; set; }

    public void Write(BinaryWriter writer)
    {
        writer.Write(StepsRun);
        writer.Write(BestValidation);
        writer.Write(EvaluationsWithoutImprovement);
        writer.Write(ElapsedBefore.Ticks);
        writer.Write(History.Count);
        foreach (GimTrainingProgress h in History)
        {
            writer.Write(h.Step);
            writer.Write(h.MaxSteps);
            writer.Write(h.Loss);
            writer.Write(h.ValidationLogLikelihood.HasValue);
            writer.Write(h.ValidationLogLikelihood ?? 0);
            writer.Write(h.Temperature);
            writer.Write(h.Elapsed.Ticks);
        }
    }

    public static TrainingLoopState Read(BinaryReader reader)
    {
        var state = new TrainingLoopState
        {
            StepsRun = reader.ReadInt32(),
            BestValidation = reader.ReadDouble(),
            EvaluationsWithoutImprovement = reader.ReadInt32(),
            ElapsedBefore = TimeSpan.FromTicks(reader.ReadInt64()),
        };
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            int step = reader.ReadInt32(), max = reader.ReadInt32();
            double loss = reader.ReadDouble();
            bool hasValidation = reader.ReadBoolean();
            double validation = reader.ReadDouble();
            double temperature = reader.ReadDouble();
            var elapsed = TimeSpan.FromTicks(reader.ReadInt64());
            state.History.Add(new GimTrainingProgress(step, max, loss, hasValidation ? validation : null, temperature, elapsed));
        }
        return state;
    }
}
