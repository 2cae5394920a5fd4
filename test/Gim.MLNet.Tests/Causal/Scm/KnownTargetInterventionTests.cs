using Gim.MLNet.Causal;
using Gim.MLNet.Modeling;
using Gim.MLNet.Tests.Support;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Causal.Scm;

/// <summary>
/// Known-target interventions (issue 20) against an independent float64 computation in the <em>original</em> units: the
/// mechanisms written out as their definitions say (a knockdown scales gene j's whole mechanism by h, a hard intervention
/// holds it at h times its control level with noise scaled by h, a shift adds r original units), solved as a linear system by Gauss–Jordan,
/// for samples, means, counterfactuals and the density; and the moment form of the likelihood against the mean per-cell one.
/// </summary>
public class KnownTargetInterventionTests
{
    private const int D = 6;
    private const int P = 3;
    // Variables 0, 1 and 3 have indicator features 0, 1 and 2; the others have none.
    private static readonly int[] FeatureOfVariable = { 0, 1, -1, 2, -1, -1 };

    private sealed record Fixture(LinearCausalModel Model, KnownTargetHead Head, double[,] B, double[] Bias, double[] LogScale,
        double[] Mean, double[] Scale, double[] FeatureMean, double[] FeatureScale) : IDisposable
    {
        public void Dispose()
        {
            Model.Dispose();
            Head.Dispose();
        }
    }

    private static Fixture Create(KnownTargetKind kind, int seed)
    {
        var rng = new System.Random(seed);
        double[,] b = ReferenceMatrix.Random(rng, D, D, 0.35);
        for (int i = 0; i < D; i++) b[i, i] = 0;
        double[] bias = ReferenceMatrix.RandomVector(rng, D, 1.0);
        double[] logScale = ReferenceMatrix.RandomVector(rng, D, 0.4);
        double[] mean = Enumerable.Range(0, D).Select(_ => 2 + 2 * rng.NextDouble()).ToArray();
        double[] scale = Enumerable.Range(0, D).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        double[] featureMean = Enumerable.Range(0, P).Select(_ => 0.2 * rng.NextDouble()).ToArray();
        double[] featureScale = Enumerable.Range(0, P).Select(_ => 0.3 + 0.2 * rng.NextDouble()).ToArray();
        var model = new LinearCausalModel(D, ScalarType.Float64);
        var head = new KnownTargetHead(kind, FeatureOfVariable, new[] { true, true, false, false, false, false }, featureMean, featureScale, mean, scale, ScalarType.Float64);
        using (no_grad())
        {
            model.RawWeights.copy_(Matrix(b));
            model.Bias.copy_(tensor(bias, dtype: ScalarType.Float64));
            model.LogScale.copy_(tensor(logScale, dtype: ScalarType.Float64));
            head.Map.weight!.copy_(Matrix(ReferenceMatrix.Random(rng, D, P, 1.0)));
            head.Map.bias!.copy_(tensor(ReferenceMatrix.RandomVector(rng, D, 1.0), dtype: ScalarType.Float64));
            head.Typical.fill_(0.4);   // variable 3 has an indicator but was never declared in training: r̄
        }
        return new Fixture(model, head, b, bias, logScale, mean, scale, featureMean, featureScale);
    }

    private static Tensor Matrix(double[,] m)
    {
        var flat = new double[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, new long[] { m.GetLength(0), m.GetLength(1) }, dtype: ScalarType.Float64);
    }

    private static double[] Row(Tensor t) => t.contiguous().data<double>().ToArray();

    /// <summary>The standardised feature row of raw indicators <paramref name="raw"/>.</summary>
    private static Tensor Features(Fixture f, double[] raw) =>
        tensor(raw.Select((v, q) => (v - f.FeatureMean[q]) / f.FeatureScale[q]).ToArray(), new long[] { 1, P }, dtype: ScalarType.Float64);

    /// <summary>
    /// The cell in original units solving the mechanisms as defined, for standard-normal noise <paramref name="noise"/>:
    /// unperturbed f_j(x) = μ_j + σ_j(Σ_i B_ij (x_i − μ_i)/σ_i + b_j + s_j ε_j); a knocked-down target x_j = h_j f_j(x); a hard
    /// target x_j = h_j(μ_j + σ_j s_j ε_j); a shifted target x_j = f_j(x) + r_j.
    /// </summary>
    private static double[] Reference(Fixture f, KnownTargetKind kind, bool[] targets, double[] strength, double[] noise, double[]? beta = null)
    {
        // A cell line's β moves every intercept: f_j gains σ_j β_j (its line's mechanism), which a knockdown scales too.
        var m = new double[D, D];
        var c = new double[D];
        for (int j = 0; j < D; j++)
        {
            double h = 1 / (1 + Math.Exp(-strength[j]));
            double s = Math.Exp(f.LogScale[j]);
            // Row j: x_j − g Σ_i σ_j B_ij x_i / σ_i = g (μ_j − σ_j Σ_i B_ij μ_i / σ_i + σ_j b_j + σ_j s_j ε_j) (+ extra).
            double g = targets[j] && kind == KnownTargetKind.Knockdown ? h : 1;
            bool hard = targets[j] && kind == KnownTargetKind.Hard;
            m[j, j] = 1;
            if (hard)
            {
                c[j] = h * (f.Mean[j] + f.Scale[j] * s * noise[j]);
                continue;
            }
            double rhs = f.Mean[j] + f.Scale[j] * (f.Bias[j] + (beta?[j] ?? 0) + s * noise[j]);
            for (int i = 0; i < D; i++)
            {
                m[j, i] -= g * f.Scale[j] * f.B[i, j] / f.Scale[i];
                rhs -= f.Scale[j] * f.B[i, j] * f.Mean[i] / f.Scale[i];
            }
            c[j] = g * rhs + (targets[j] && kind == KnownTargetKind.Shift ? strength[j] : 0);
        }
        return ReferenceMatrix.Multiply(ReferenceMatrix.Inverse(m, out _), c);
    }

    /// <summary>The declared targets, strengths and intervention of one row of raw indicators, without off-targets.</summary>
    private static (Tensor Mask, Tensor Strength, KnownTargetIntervention Intervention) Declared(Fixture f, double[] indicators)
    {
        Tensor z = Features(f, indicators);
        Tensor mask = f.Head.Mask(z), strength = f.Head.Strength(z);
        Tensor none = zeros(1, D, dtype: ScalarType.Float64);
        return (mask, strength, f.Head.Apply(mask, strength, none, none, f.Model.Bias));
    }

    private static double[] Original(Fixture f, double[] standardized) => standardized.Select((v, j) => f.Mean[j] + f.Scale[j] * v).ToArray();

    [TestCase(KnownTargetKind.Knockdown)]
    [TestCase(KnownTargetKind.Hard)]
    [TestCase(KnownTargetKind.Shift)]
    public void SamplesMeansAndCounterfactuals_FollowTheMechanismsAsDefinedInOriginalUnits(KnownTargetKind kind)
    {
        using var scope = NewDisposeScope();
        using Fixture f = Create(kind, seed: 11);
        // Indicators 1, 0, 1: variables 0 and 3 are declared targets.
        var (mask, strength, intervention) = Declared(f, new[] { 1.0, 0, 1 });
        Assert.That(Row(mask), Is.EqualTo(new[] { 1.0, 0, 0, 1, 0, 0 }));
        double[] r = Row(strength);
        var targets = Row(mask).Select(v => v == 1).ToArray();
        Tensor? gain = intervention.Gain?[0];
        Assert.That(gain is null, Is.EqualTo(kind == KnownTargetKind.Shift), "only a shift leaves the inputs as they are");

        var rng = new System.Random(5);
        for (int cell = 0; cell < 4; cell++)
        {
            double[] noise = Enumerable.Range(0, D).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
            Tensor sample = f.Model.Sample(intervention.Shift[0], intervention.LogScale?[0], tensor(noise, dtype: ScalarType.Float64), gain);
            Assert.That(Original(f, Row(sample)), Is.EqualTo(Reference(f, kind, targets, r, noise)).Within(1e-9), $"sample {cell}");
        }
        double[] mean = Original(f, Row(f.Model.Mean(intervention.Shift, intervention.LogScale, intervention.Gain)[0]));
        Assert.That(mean, Is.EqualTo(Reference(f, kind, targets, r, new double[D])).Within(1e-9), "mean: the noise-free solution");

        // Counterfactual: a control cell's noise abducted from the unperturbed mechanisms, replayed under the intervention.
        double[] noise0 = Enumerable.Range(0, D).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        double[] control = Reference(f, kind, new bool[D], r, noise0);
        Tensor x0 = tensor(control.Select((v, j) => (v - f.Mean[j]) / f.Scale[j]).ToArray(), new long[] { 1, D }, dtype: ScalarType.Float64);
        Tensor counterfactual = f.Model.Counterfactual(x0, intervention.Shift, intervention.LogScale, gain);
        Assert.That(Original(f, Row(counterfactual)), Is.EqualTo(Reference(f, kind, targets, r, noise0)).Within(1e-9));
    }

    /// <summary>
    /// With a covariate shift β (a cell line's, <see cref="GimOptions.CovariateFeatures"/>), a declared target's kind acts on
    /// its line's mechanism: a knocked-down gene keeps h of its line's level f_j(x) (β included), a knocked-out one is held
    /// at h times its control level whatever the line, a shifted one is its line's level plus r; every other gene keeps β.
    /// Means and samples against the mechanisms written out in original units, as above.
    /// </summary>
    [TestCase(KnownTargetKind.Knockdown)]
    [TestCase(KnownTargetKind.Hard)]
    [TestCase(KnownTargetKind.Shift)]
    public void WithACellLinesShift_TheKindActsOnThatLinesMechanism(KnownTargetKind kind)
    {
        using var scope = NewDisposeScope();
        using Fixture f = Create(kind, seed: 12);
        double[] beta = { 0.7, -0.4, 0.3, -0.9, 0.5, 0.2 };
        Tensor z = Features(f, new[] { 1.0, 0, 1 });
        Tensor none = zeros(1, D, dtype: ScalarType.Float64);
        var heads = new InterventionParameters(full(1, D, -20.0, dtype: ScalarType.Float64), none, null)
        {
            KnownMask = f.Head.Mask(z),
            Strength = f.Head.Strength(z),
            Baseline = tensor(beta, new long[] { 1, D }, dtype: ScalarType.Float64),
        };
        KnownTargetIntervention intervention = KnownTargetIntervention.Of(heads, zeros(1, D, dtype: ScalarType.Float64), f.Head, f.Model.Bias);
        bool[] targets = Row(heads.KnownMask).Select(v => v == 1).ToArray();
        double[] r = Row(heads.Strength);
        double[] mean = Original(f, Row(f.Model.Mean(intervention.Shift, intervention.LogScale, intervention.Gain)[0]));
        Assert.That(mean, Is.EqualTo(Reference(f, kind, targets, r, new double[D], beta)).Within(1e-9));
        // The line's β is inside a knocked-down target's mechanism (scaled by h with the rest of it), and a knocked-out target
        // is the same in every line: the reference can tell these rules from β added on top of the kind.
        double[] withoutOwnBeta = Reference(f, kind, targets, r, new double[D], beta.Select((v, j) => targets[j] ? 0 : v).ToArray());
        if (kind == KnownTargetKind.Knockdown) Assert.That(Math.Abs(mean[0] - withoutOwnBeta[0]), Is.GreaterThan(1e-3));
        if (kind == KnownTargetKind.Hard) Assert.That(mean[0], Is.EqualTo(Reference(f, kind, targets, r, new double[D])[0]).Within(1e-9));
        var rng = new System.Random(8);
        double[] noise = Enumerable.Range(0, D).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        Tensor sample = f.Model.Sample(intervention.Shift[0], intervention.LogScale?[0], tensor(noise, dtype: ScalarType.Float64), intervention.Gain?[0]);
        Assert.That(Original(f, Row(sample)), Is.EqualTo(Reference(f, kind, targets, r, noise, beta)).Within(1e-9));
    }

    /// <summary>The density of a cell is the Gaussian N(A_g⁻¹(b + δ), A_g⁻¹ S'² A_g⁻ᵀ) written out with an explicit inverse.</summary>
    [TestCase(KnownTargetKind.Knockdown)]
    [TestCase(KnownTargetKind.Hard)]
    public void LogLikelihood_IsTheGaussianOfTheIntervenedSystem(KnownTargetKind kind)
    {
        using var scope = NewDisposeScope();
        using Fixture f = Create(kind, seed: 12);
        KnownTargetIntervention iv = Declared(f, new[] { 0.0, 1, 1 }).Intervention;
        double[] g = Row(iv.Gain![0]), delta = Row(iv.Shift[0]), rho = Row(iv.LogScale![0]);
        var a = ReferenceMatrix.Identity(D);
        for (int j = 0; j < D; j++)
            for (int i = 0; i < D; i++) a[j, i] -= g[j] * f.B[i, j];
        double[,] inverse = ReferenceMatrix.Inverse(a, out _);
        double[] mu = ReferenceMatrix.Multiply(inverse, f.Bias.Select((b, j) => b + delta[j]).ToArray());
        var noise = new double[D, D];
        for (int j = 0; j < D; j++) noise[j, j] = Math.Exp(2 * (f.LogScale[j] + rho[j]));
        double[,] covariance = ReferenceMatrix.Multiply(ReferenceMatrix.Multiply(inverse, noise), ReferenceMatrix.Transpose(inverse));
        double[,] precision = ReferenceMatrix.Inverse(covariance, out double logDetCovariance);

        var rng = new System.Random(3);
        var cells = new double[5 * D];
        for (int i = 0; i < cells.Length; i++) cells[i] = 2 * rng.NextDouble() - 1;
        double[] actual = Row(f.Model.LogLikelihood(tensor(cells, new long[] { 5, D }, dtype: ScalarType.Float64), iv.Shift[0], iv.LogScale[0], iv.Gain[0]));
        for (int n = 0; n < 5; n++)
        {
            double[] e = Enumerable.Range(0, D).Select(j => cells[n * D + j] - mu[j]).ToArray();
            double quadratic = ReferenceMatrix.Multiply(precision, e).Select((v, j) => v * e[j]).Sum();
            double expected = -0.5 * quadratic - 0.5 * logDetCovariance - 0.5 * D * Math.Log(2 * Math.PI);
            Assert.That(actual[n], Is.EqualTo(expected).Within(1e-9), $"cell {n}");
        }
    }

    /// <summary>
    /// The strength of a variable never declared in training is r̄: each seen target's mean strength over the contexts that
    /// declare it, averaged over targets (a target hit by three contexts counts once); a seen target keeps its own.
    /// </summary>
    [Test]
    public void AnUnseenTarget_GetsTheAverageOfTheSeenTargetsMeanStrengths()
    {
        using var scope = NewDisposeScope();
        var rng = new System.Random(4);
        double[] featureMean = { 0.2, 0.1, 0.0 }, featureScale = { 0.5, 0.4, 1.0 };
        // Variables 0 and 1 are seen in training; variable 3 (feature 2) never is.
        using var head = new KnownTargetHead(KnownTargetKind.Knockdown, FeatureOfVariable, new[] { true, true, false, false, false, false },
            featureMean, featureScale, new double[D], Enumerable.Repeat(1.0, D).ToArray(), ScalarType.Float64);
        using (no_grad())
        {
            head.Map.weight!.copy_(Matrix(ReferenceMatrix.Random(rng, D, P, 1.0)));
            head.Map.bias!.copy_(tensor(ReferenceMatrix.RandomVector(rng, D, 1.0), dtype: ScalarType.Float64));
        }
        double[][] raw = { new[] { 1.0, 0, 0 }, new[] { 1.0, 1, 0 }, new[] { 1.0, 0, 0 }, new[] { 0.0, 1, 0 }, new[] { 0.0, 0, 0 } };
        Tensor z = tensor(raw.SelectMany(r => r.Select((v, q) => (v - featureMean[q]) / featureScale[q])).ToArray(), new long[] { raw.Length, P }, dtype: ScalarType.Float64);
        Tensor own = head.Map.forward(z);
        double Own(int k, int j) => own[k, j].item<double>();
        head.SetTypical(z);
        double expected = ((Own(0, 0) + Own(1, 0) + Own(2, 0)) / 3 + (Own(1, 1) + Own(3, 1)) / 2) / 2;
        Assert.That(head.Typical.item<double>(), Is.EqualTo(expected).Within(1e-12));
        Tensor unseen = tensor(new[] { (0 - 0.2) / 0.5, (0 - 0.1) / 0.4, 1.0 }, new long[] { 1, P }, dtype: ScalarType.Float64);
        Tensor strength = head.Strength(unseen);
        Assert.That(strength[0, 3].item<double>(), Is.EqualTo(expected).Within(1e-12), "the unseen target's strength");
        Assert.That(strength[0, 0].item<double>(), Is.EqualTo(head.Map.forward(unseen)[0, 0].item<double>()).Within(1e-12), "a seen target's own");
    }

    /// <summary>Per context, the moment form (means and population covariances) equals the mean per-cell log-likelihood.</summary>
    [Test]
    public void MomentLikelihood_EqualsTheMeanPerCellLikelihood_PerContext()
    {
        using var scope = NewDisposeScope();
        using Fixture f = Create(KnownTargetKind.Knockdown, seed: 13);
        Tensor z = cat(new[] { Features(f, new[] { 1.0, 0, 0 }), Features(f, new[] { 0.0, 1, 1 }), Features(f, new[] { 0.0, 0, 0 }) }, 0);   // [3, P]
        Tensor mask = f.Head.Mask(z);
        // Off-target shifts too: two relaxation draws with targets in (0, 1) on the undeclared variables.
        random.manual_seed(2);
        Tensor off = rand(2, 3, D, dtype: ScalarType.Float64);
        Tensor shift = randn(3, D, dtype: ScalarType.Float64);
        KnownTargetIntervention iv = f.Head.Apply(mask, f.Head.Strength(z), off, shift, f.Model.Bias);
        var cells = new Tensor[3];
        var means = new Tensor[3];
        var covariances = new Tensor[3];
        for (int k = 0; k < 3; k++)
        {
            cells[k] = randn(40 + 10 * k, D, dtype: ScalarType.Float64) + k;
            means[k] = cells[k].mean(new long[] { 0 });
            Tensor centred = cells[k] - means[k];
            covariances[k] = matmul(centred.t(), centred) / cells[k].shape[0];
        }
        Tensor moments = LinearCausalModel.LogLikelihoodFromMoments(f.Model.Tensors, stack(means), stack(covariances), iv.Shift, iv.LogScale, iv.Gain!);
        Assert.That(moments.shape, Is.EqualTo(new long[] { 2, 3 }));
        for (int m = 0; m < 2; m++)
            for (int k = 0; k < 3; k++)
            {
                double perCell = f.Model.LogLikelihood(cells[k], iv.Shift[m, k], iv.LogScale![k], iv.Gain![k]).mean().item<double>();
                Assert.That(moments[m, k].item<double>(), Is.EqualTo(perCell).Within(1e-9), $"draw {m}, context {k}");
            }
        // Undeclared variables keep the off-target shift; declared ones ignore it.
        double[] declared = Row(mask[0]);
        double[] delta = Row(iv.Shift[0, 0]);
        double[] expectedOff = Row(off[0, 0] * shift[0]);
        for (int j = 0; j < D; j++)
            if (declared[j] == 0) Assert.That(delta[j], Is.EqualTo(expectedOff[j]).Within(1e-12), $"variable {j}");
    }
    /// <summary>
    /// The weighted form by the matrix determinant lemma (<see cref="LinearCausalModel.WeightedLogLikelihoodWithTargets"/>:
    /// O(d³ + K r d²) a step) equals the weighted sum of the per-context dense form (K·d³), value and gradients, in float64:
    /// contexts with no, one and two declared targets (a control among them), two relaxation draws, unequal weights; the
    /// gradients of the graph, intercepts, noise scales and the strength map.
    /// </summary>
    [TestCase(KnownTargetKind.Knockdown)]
    [TestCase(KnownTargetKind.Hard)]
    public void TheLemmaForm_EqualsTheWeightedPerContextForm_ValueAndGradients(KnownTargetKind kind)
    {
        using var scope = NewDisposeScope();
        using Fixture f = Create(kind, seed: 17);
        Tensor z = cat(new[] { Features(f, new[] { 1.0, 0, 0 }), Features(f, new[] { 0.0, 1, 1 }), Features(f, new[] { 0.0, 0, 0 }), Features(f, new[] { 1.0, 1, 0 }) }, 0);
        Tensor mask = f.Head.Mask(z);
        Assert.That(Row(mask.sum(-1)), Is.EqualTo(new[] { 1.0, 2, 0, 2 }), "targets per context");
        random.manual_seed(5);
        Tensor off = rand(2, 4, D, dtype: ScalarType.Float64);
        Tensor shift = randn(4, D, dtype: ScalarType.Float64);
        var means = new Tensor[4];
        var covariances = new Tensor[4];
        for (int k = 0; k < 4; k++)
        {
            Tensor cells = randn(30 + 7 * k, D, dtype: ScalarType.Float64) * (1 + 0.3 * k) + k;
            means[k] = cells.mean(new long[] { 0 });
            Tensor centred = cells - means[k];
            covariances[k] = matmul(centred.t(), centred) / cells.shape[0];
        }
        Tensor weights = tensor(new[] { 0.1, 0.4, 0.2, 0.3 }, dtype: ScalarType.Float64);

        (double Value, double[] Gradient) Evaluate(bool lemma)
        {
            Tensor[] parameters = { f.Model.RawWeights, f.Model.Bias, f.Model.LogScale, f.Head.Map.weight!, f.Head.Map.bias! };
            foreach (Tensor p in parameters) p.grad?.zero_();
            KnownTargetIntervention iv = f.Head.Apply(mask, f.Head.Strength(z), off, shift, f.Model.Bias);
            Tensor value = lemma
                ? LinearCausalModel.WeightedLogLikelihoodWithTargets(f.Model.Tensors, stack(means), stack(covariances), weights, iv.Shift, iv.LogScale!, iv.Gain!).mean()
                : GimObjective.DataTerm(LinearCausalModel.LogLikelihoodFromMoments(f.Model.Tensors, stack(means), stack(covariances), iv.Shift, iv.LogScale, iv.Gain!), weights);
            value.backward();
            double[] gradient = parameters.SelectMany(p => Row(p.grad!.flatten())).ToArray();
            return (value.item<double>(), gradient);
        }
        var dense = Evaluate(lemma: false);
        var lemmaForm = Evaluate(lemma: true);
        Assert.That(lemmaForm.Value, Is.EqualTo(dense.Value).Within(1e-10));
        Assert.That(lemmaForm.Gradient, Is.EqualTo(dense.Gradient).Within(1e-9));
        if (kind != KnownTargetKind.Knockdown) return;

        // Knockdowns from the pool and only the targets' rows of each covariance (K·r·d numbers): the same value and gradients.
        int[][] declared = Enumerable.Range(0, 4).Select(k => Enumerable.Range(0, D).Where(j => Row(mask[k])[j] == 1).ToArray()).ToArray();
        int r = declared.Max(t => t.Length);
        var index = new long[4 * r];
        var valid = new double[4 * r];
        Tensor values = zeros(4, r, D, dtype: ScalarType.Float64);
        for (int k = 0; k < 4; k++)
            for (int q = 0; q < declared[k].Length; q++)
            {
                index[k * r + q] = declared[k][q];
                valid[k * r + q] = 1;
                values[k, q] = covariances[k][declared[k][q]];
            }
        using var rows = new CovarianceRows(tensor(index, new long[] { 4, r }), tensor(valid, new long[] { 4, r }, dtype: ScalarType.Float64), values);
        Tensor pooled = LinearCausalModel.PooledCovariance(weights, stack(covariances));
        Tensor[] parameters = { f.Model.RawWeights, f.Model.Bias, f.Model.LogScale, f.Head.Map.weight!, f.Head.Map.bias! };
        foreach (Tensor p in parameters) p.grad?.zero_();
        KnownTargetIntervention iv = f.Head.Apply(mask, f.Head.Strength(z), off, shift, f.Model.Bias);
        Tensor fromRows = LinearCausalModel.WeightedLogLikelihoodWithKnockdownRows(f.Model.Tensors, stack(means), pooled, weights, iv.Shift, iv.LogScale!, iv.Gain!, rows).mean();
        fromRows.backward();
        Assert.That(fromRows.item<double>(), Is.EqualTo(dense.Value).Within(1e-10), "from the targets' rows");
        Assert.That(parameters.SelectMany(p => Row(p.grad!.flatten())).ToArray(), Is.EqualTo(dense.Gradient).Within(1e-9), "gradients from the targets' rows");
    }
}
