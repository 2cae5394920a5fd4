using Gim.MLNet.Data;
using Gim.MLNet.Data.Synthetic;
using Gim.MLNet.Modeling;
using Gim.MLNet.Peers;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// One small Hill screen (8 variables, 24 drugs) and every peer fitted on it once, with short training, shared
/// by the behaviour and ONNX tests of the peers.
/// </summary>
internal static class PeerFixtures
{
    private static readonly Lazy<Fitted> Instance = new(() => new Fitted(TrainingFixtures.SmallScreen(seed: 0)));

    public static Fitted Get() => Instance.Value;

    public sealed class Fitted
    {
        public Fitted(HillScreen screen)
        {
            Screen = screen;
            PerturbationDataset train = screen.Train.Data;
            Control = new ControlTrainer().Fit(train);
            Nearest = new NearestContextTrainer().Fit(train);
            MeanShift = new MeanShiftTrainer(new MeanShiftOptions { MaxSteps = 400 }).Fit(train);
            Gaussian = new ConditionalGaussianTrainer(new ConditionalGaussianOptions { MaxSteps = 400 }).Fit(train);
            TwoStage = new TwoStageCausalTrainer(new TwoStageCausalOptions { MaxSteps = 800 }).Fit(train);
            TrainingMean = new TrainingMeanTrainer().Fit(train);
            Linear = new LinearFeaturesTrainer().Fit(train);
        }

        public HillScreen Screen { get; }
        public ControlModel Control { get; }
        public NearestContextModel Nearest { get; }
        public MeanShiftModel MeanShift { get; }
        public ConditionalGaussianModel Gaussian { get; }
        public TwoStageCausalModel TwoStage { get; }
        public TrainingMeanModel TrainingMean { get; }
        public LinearFeaturesModel Linear { get; }

        public IEnumerable<PerturbationModel> All => new PerturbationModel[] { Control, Nearest, MeanShift, Gaussian, TwoStage, TrainingMean, Linear };
    }

    /// <summary>RMSE over variables between predicted and observed context means, averaged over the split's contexts (control SDs).</summary>
    public static double MeanRmse(PerturbationModel model, HillScreenSplit split)
    {
        double total = 0;
        foreach (PerturbationContext context in split.Data.Contexts)
        {
            float[] predicted = model.VariableStandardizer.Transform(model.PredictMean(context.Features));
            float[,] observed = model.VariableStandardizer.Transform(context.Samples);
            double squared = 0;
            for (int j = 0; j < predicted.Length; j++)
            {
                double mean = 0;
                for (int i = 0; i < context.SampleCount; i++) mean += observed[i, j] / context.SampleCount;
                squared += (predicted[j] - mean) * (predicted[j] - mean);
            }
            total += Math.Sqrt(squared / predicted.Length);
        }
        return total / split.Data.Contexts.Count;
    }
}
