using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Runtime;
using static TorchSharp.torch;

namespace Gim.MLNet.Peers;

/// <summary>
/// Fits the TwoStageCausal peer (BENCHMARK.md §3). Stage 1 maximises GIM's objective (METHOD §5: relaxed
/// expected log-likelihood of every context from its moments, minus λ_t·mean π and λ_B‖B‖₁, plus the controls'
/// observed "no target" as in GIM) over the linear causal model and a free intervention per training context.
/// Stage 2 regresses the stage-1 logits and shifts of every training context (controls included) on the
/// standardised features by ridge regression: a depth-0 linear encoder, so the result is a linear GIM.
/// </summary>
/// <param name="options">Settings, validated here; null for the defaults.</param>
public sealed class TwoStageCausalTrainer(TwoStageCausalOptions? options = null) : PerturbationTrainer<TwoStageCausalOptions, TwoStageCausalModel>(options)
{
    private protected override TwoStageCausalModel Train(PerturbationFit fit)
    {
        var (train, variables, features) = (fit.Data, fit.Variables, fit.Features);
        int d = train.VariableCount, k = train.Contexts.Count;

        float[,] logits, shifts, graph;
        float[] bias, logScale;
        var objective = new GimObjective(Options.TargetSparsity, Options.GraphSparsity, Options.ControlTargetWeight,
            Options.InitialTemperature, Options.FinalTemperature, Options.MaxSteps, straightThrough: false);
        // Stage 1 neither seeds nor draws from libtorch's global generator (the modules start at zero; the relaxation noise has
        // its own); the linear GIM built from the result below draws its overwritten initial weights under its lock.
        using (TorchRun.Start(Options.Threads, d))
        using (var data = ContextTensors.Create(train, variables, features, ContextWeighting.Equal, keepCells: false, ScalarType.Float32, CPU))
        using (var causal = new LinearCausalModel(d))
        using (var free = new FreeInterventions(k, d, Options.InitialTargetLogit))
        using (var generator = new TorchSharp.torch.Generator((ulong)Options.SeedOrDefault))
        {
            AdamLoop.Run(causal.parameters().Concat(free.parameters()), Options.LearningRate, Options.MaxSteps, Options.CancellationToken,
                step => Objective(objective, causal, free, data, generator, step), "TwoStageCausal (stage 1)", Options);
            using var scope = TorchScope.Enter();
            using var _ = no_grad();
            logits = TensorArrays.ToMatrix(free.Logits);
            shifts = TensorArrays.ToMatrix(free.Shift * data.Perturbed);
            graph = TensorArrays.ToMatrix(causal.Weights());
            bias = TensorArrays.ToVector(causal.Bias);
            logScale = TensorArrays.ToVector(causal.LogScale);
        }

        LinearGimParameters parameters = Stage2(train, variables, features, logits, shifts, graph, bias, logScale);
        GimModel gim = GimModel.FromParameters(parameters);
        var stage1 = Enumerable.Range(0, k).Select(c => new ContextIntervention(train.Contexts[c].Name, train.Contexts[c].IsControl,
            TensorArrays.Row(logits, c).Select(a => 1f / (1f + MathF.Exp(-a))).ToArray(), TensorArrays.Row(shifts, c))).ToArray();
        return new TwoStageCausalModel(train, variables, features, gim, parameters, stage1, fit.Clock.Elapsed);
    }

    /// <summary>GIM's objective with a free intervention per context in place of the encoder (one relaxed draw per step).</summary>
    private static Tensor Objective(GimObjective objective, LinearCausalModel causal, FreeInterventions free, ContextTensors data,
        TorchSharp.torch.Generator generator, int step)
    {
        double temperature = objective.Temperature(step);
        Tensor uniform = rand(new long[] { 1, data.ContextCount, causal.Variables }, generator: generator, dtype: ScalarType.Float32);
        Tensor targets = objective.Targets(free.Logits, uniform, temperature, data.Perturbed);
        Tensor logLikelihood = causal.LogLikelihoodFromMoments(data.Means, data.Covariances!, targets * free.Shift, null);
        // The controls' "no target" is part of the objective, as in GIM, so that stage 2 learns "nothing targeted" for their features.
        return objective.Loss(GimObjective.DataTerm(logLikelihood, data.Weights), free.Logits, ControlTargets.Positions(data.Perturbed), data.Weights, causal.SparsityPenalty());
    }

    /// <summary>Ridge regression of [logits | shifts] on the standardised features, as a depth-0 linear GIM.</summary>
    private LinearGimParameters Stage2(PerturbationDataset train, Standardizer variables, Standardizer features,
        float[,] logits, float[,] shifts, float[,] graph, float[] bias, float[] logScale)
    {
        int k = train.Contexts.Count, d = train.VariableCount, p = train.FeatureCount;
        var x = new double[k, p];
        var y = new double[k, 2 * d];
        for (int c = 0; c < k; c++)
        {
            float[] z = features.Transform(train.Contexts[c].Features);
            for (int j = 0; j < p; j++) x[c, j] = z[j];
            for (int j = 0; j < d; j++)
            {
                y[c, j] = logits[c, j];
                y[c, d + j] = shifts[c, j];
            }
        }
        var (weight, intercept) = RidgeRegression.Fit(x, y, Options.RidgePenalty);
        var skip = new float[2 * d, p];
        for (int h = 0; h < 2 * d; h++)
            for (int j = 0; j < p; j++)
                skip[h, j] = (float)weight[j, h];
        return new LinearGimParameters
        {
            VariableNames = train.VariableNames.ToArray(),
            FeatureNames = train.FeatureNames.ToArray(),
            VariableMean = (double[])variables.Mean.Clone(),
            VariableScale = (double[])variables.Scale.Clone(),
            FeatureMean = (double[])features.Mean.Clone(),
            FeatureScale = (double[])features.Scale.Clone(),
            Graph = graph,
            Bias = bias,
            LogScale = logScale,
            Interventions = InterventionKind.Shift,
            SkipWeight = skip,
            SkipBias = intercept.Select(v => (float)v).ToArray(),
            HiddenLayers = Array.Empty<(float[,], float[])>(),
        };
    }

}
