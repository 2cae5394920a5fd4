using Gim.MLNet.Causal;
using Gim.MLNet.Tests.Support;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Causal.Scm;

/// <summary>The linear SCM's closed forms against an independent float64 computation.</summary>
public class LinearCausalModelTests
{
    private const int D = 6;

    private sealed record Fixture(LinearCausalModel Model, double[,] B, double[] Bias, double[] LogScale);

    private static Fixture Create(int seed)
    {
        var rng = new System.Random(seed);
        double[,] raw = ReferenceMatrix.Random(rng, D, D, 0.4);
        // The model gets self-loop weights 0.2…0.7 on the diagonal and must mask them itself; the reference gets B with a zero diagonal.
        var b = (double[,])raw.Clone();
        for (int i = 0; i < D; i++)
        {
            raw[i, i] = 0.2 + 0.1 * i;
            b[i, i] = 0;
        }
        double[] bias = ReferenceMatrix.RandomVector(rng, D, 1.0);
        double[] logScale = ReferenceMatrix.RandomVector(rng, D, 0.5);
        var model = new LinearCausalModel(D, ScalarType.Float64);
        using (no_grad())
        {
            model.RawWeights.copy_(ToTensor(raw));
            model.Bias.copy_(tensor(bias, dtype: ScalarType.Float64));
            model.LogScale.copy_(tensor(logScale, dtype: ScalarType.Float64));
        }
        return new Fixture(model, b, bias, logScale);
    }

    private static Tensor ToTensor(double[,] m)
    {
        var flat = new double[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, new long[] { m.GetLength(0), m.GetLength(1) }, dtype: ScalarType.Float64);
    }

    private static double[,] ToArray(Tensor t)
    {
        double[] flat = t.contiguous().data<double>().ToArray();
        var m = new double[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }

    private static double[,] SystemMatrix(double[,] b) // A = I − Bᵀ
    {
        var a = ReferenceMatrix.Identity(D);
        for (int i = 0; i < D; i++)
            for (int j = 0; j < D; j++)
                a[i, j] -= b[j, i];
        return a;
    }

    private static double ReferenceLogLikelihood(Fixture f, double[] x, double[] shift, double[] logScaleChange)
    {
        double[,] a = SystemMatrix(f.B);
        ReferenceMatrix.Inverse(a, out double logDet);
        double[] ax = ReferenceMatrix.Multiply(a, x);
        double ll = logDet - D * 0.5 * Math.Log(2 * Math.PI);
        for (int j = 0; j < D; j++)
        {
            double s = f.LogScale[j] + logScaleChange[j];
            double r = (ax[j] - f.Bias[j] - shift[j]) / Math.Exp(s);
            ll += -s - 0.5 * r * r;
        }
        return ll;
    }

    [Test]
    public void LogLikelihood_MatchesIndependentFloat64Reference()
    {
        using var scope = NewDisposeScope();
        var f = Create(1);
        var rng = new System.Random(2);
        double[,] x = ReferenceMatrix.Random(rng, 5, D, 3.0);
        double[] shift = ReferenceMatrix.RandomVector(rng, D, 2.0);
        double[] rho = ReferenceMatrix.RandomVector(rng, D, 0.3);
        double[] got = f.Model.LogLikelihood(ToTensor(x), tensor(shift, dtype: ScalarType.Float64), tensor(rho, dtype: ScalarType.Float64))
            .data<double>().ToArray();
        for (int i = 0; i < 5; i++)
        {
            double[] row = Enumerable.Range(0, D).Select(j => x[i, j]).ToArray();
            Assert.That(got[i], Is.EqualTo(ReferenceLogLikelihood(f, row, shift, rho)).Within(1e-10), $"cell {i}");
        }
    }

    [Test]
    public void LogLikelihoodFromMoments_EqualsTheMeanOfPerCellLogLikelihoods()
    {
        using var scope = NewDisposeScope();
        var f = Create(3);
        var rng = new System.Random(4);
        const int n = 40;
        double[,] x = ReferenceMatrix.Random(rng, n, D, 2.0);
        double[] shift = ReferenceMatrix.RandomVector(rng, D, 1.0);
        double[] rho = ReferenceMatrix.RandomVector(rng, D, 0.3);
        Tensor cells = ToTensor(x);
        Tensor mean = cells.mean(new long[] { 0 });
        Tensor centred = cells - mean;
        Tensor covariance = matmul(centred.t(), centred) / n;   // population covariance, as training uses
        Tensor shiftT = tensor(shift, dtype: ScalarType.Float64);
        Tensor rhoT = tensor(rho, dtype: ScalarType.Float64);

        double fromMoments = f.Model.LogLikelihoodFromMoments(mean.unsqueeze(0), covariance.unsqueeze(0), shiftT.unsqueeze(0), rhoT.unsqueeze(0))
            .item<double>();
        double perCell = f.Model.LogLikelihood(cells, shiftT, rhoT).mean().item<double>();
        Assert.That(fromMoments, Is.EqualTo(perCell).Within(1e-9));
    }

    [Test]
    public void MeanAndCovariance_MatchTheClosedFormComputedIndependently()
    {
        using var scope = NewDisposeScope();
        var f = Create(5);
        var rng = new System.Random(6);
        double[] shift = ReferenceMatrix.RandomVector(rng, D, 2.0);
        double[] rho = ReferenceMatrix.RandomVector(rng, D, 0.3);
        double[,] inverse = ReferenceMatrix.Inverse(SystemMatrix(f.B), out _);
        double[] expectedMean = ReferenceMatrix.Multiply(inverse, f.Bias.Zip(shift, (a, b) => a + b).ToArray());
        var scaled = new double[D, D];
        for (int i = 0; i < D; i++)
            for (int j = 0; j < D; j++)
                scaled[i, j] = inverse[i, j] * Math.Exp(f.LogScale[j] + rho[j]);
        double[,] expectedCov = ReferenceMatrix.Multiply(scaled, ReferenceMatrix.Transpose(scaled));

        double[] mean = f.Model.Mean(tensor(shift, dtype: ScalarType.Float64)).data<double>().ToArray();
        double[,] cov = ToArray(f.Model.Covariance(tensor(rho, dtype: ScalarType.Float64)));
        for (int j = 0; j < D; j++)
            Assert.That(mean[j], Is.EqualTo(expectedMean[j]).Within(1e-10), $"mean[{j}]");
        for (int i = 0; i < D; i++)
            for (int j = 0; j < D; j++)
                Assert.That(cov[i, j], Is.EqualTo(expectedCov[i, j]).Within(1e-10), $"cov[{i},{j}]");
    }

    [Test]
    public void Samples_HaveTheClosedFormMeanAndCovariance()
    {
        using var scope = NewDisposeScope();
        var f = Create(7);
        var rng = new System.Random(8);
        double[] shift = ReferenceMatrix.RandomVector(rng, D, 2.0);
        const int n = 200_000;
        Tensor shiftT = tensor(shift, dtype: ScalarType.Float64);
        var generator = new TorchSharp.torch.Generator(9);
        Tensor z = randn(new long[] { n, D }, generator: generator, dtype: ScalarType.Float64);
        Tensor x = f.Model.Sample(shiftT, null, z);
        Tensor mean = x.mean(new long[] { 0 });
        Tensor centred = x - mean;
        double[,] empirical = ToArray(matmul(centred.t(), centred) / (n - 1));
        double[] expectedMean = f.Model.Mean(shiftT).data<double>().ToArray();
        double[,] expectedCov = ToArray(f.Model.Covariance(null));
        double[] got = mean.data<double>().ToArray();
        for (int j = 0; j < D; j++)
        {
            // Standard error of a mean: sqrt(Σ_jj / n); 5 standard errors.
            double se = Math.Sqrt(expectedCov[j, j] / n);
            Assert.That(got[j], Is.EqualTo(expectedMean[j]).Within(5 * se), $"mean[{j}]");
        }
        for (int i = 0; i < D; i++)
            for (int j = 0; j < D; j++)
            {
                // Var of a Gaussian sample covariance: (Σ_ij² + Σ_ii Σ_jj) / n; 5 standard errors.
                double se = Math.Sqrt((expectedCov[i, j] * expectedCov[i, j] + expectedCov[i, i] * expectedCov[j, j]) / n);
                Assert.That(empirical[i, j], Is.EqualTo(expectedCov[i, j]).Within(5 * se), $"cov[{i},{j}]");
            }
    }

    [Test]
    public void Counterfactual_WithoutInterventionReturnsTheCell_AndWithOneAddsTheMeanShift()
    {
        using var scope = NewDisposeScope();
        var f = Create(10);
        var rng = new System.Random(11);
        double[,] x0 = ReferenceMatrix.Random(rng, 4, D, 2.0);
        double[] shift = ReferenceMatrix.RandomVector(rng, D, 2.0);
        Tensor cells = ToTensor(x0);
        Tensor none = zeros(D, dtype: ScalarType.Float64);
        double[,] same = ToArray(f.Model.Counterfactual(cells, none, null));
        double[,] shifted = ToArray(f.Model.Counterfactual(cells, tensor(shift, dtype: ScalarType.Float64), null));
        double[] delta = ReferenceMatrix.Multiply(ReferenceMatrix.Inverse(SystemMatrix(f.B), out _), shift);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < D; j++)
            {
                Assert.That(same[i, j], Is.EqualTo(x0[i, j]).Within(1e-10));
                Assert.That(shifted[i, j] - x0[i, j], Is.EqualTo(delta[j]).Within(1e-10));
            }
    }

    /// <summary>K random contexts' means [K, D], population covariances [K, D, D] (from random cells) and weights [K] summing to 1.</summary>
    private static (Tensor Means, Tensor Covariances, Tensor Weights) Contexts(System.Random rng, int k)
    {
        var means = new List<Tensor>();
        var covariances = new List<Tensor>();
        for (int c = 0; c < k; c++)
        {
            Tensor cells = ToTensor(ReferenceMatrix.Random(rng, 12 + c, D, 1.0 + 0.3 * c));
            Tensor mean = cells.mean(new long[] { 0 });
            Tensor centred = cells - mean;
            means.Add(mean);
            covariances.Add(matmul(centred.t(), centred) / cells.shape[0]);
        }
        double[] w = Enumerable.Range(0, k).Select(_ => 0.1 + rng.NextDouble()).ToArray();
        return (stack(means.ToArray()), stack(covariances.ToArray()), tensor(w.Select(x => x / w.Sum()).ToArray(), dtype: ScalarType.Float64));
    }

    [Test]
    public void WeightedLogLikelihood_FromThePooledCovariance_EqualsTheWeightedSumOfPerContextLogLikelihoods()
    {
        // The training step's shift-only likelihood reads the contexts' covariances only through Σ_k w_k C_k.
        using var scope = NewDisposeScope();
        var f = Create(12);
        var rng = new System.Random(13);
        const int k = 5, draws = 3;
        var (means, covariances, weights) = Contexts(rng, k);
        Tensor shift = tensor(Enumerable.Range(0, draws * k * D).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), new long[] { draws, k, D }, dtype: ScalarType.Float64);

        Tensor pooled = LinearCausalModel.PooledCovariance(weights, covariances);
        double[] weighted = LinearCausalModel.WeightedLogLikelihoodFromMoments(f.Model.Tensors, means, pooled, weights, shift).data<double>().ToArray();
        Tensor perContext = f.Model.LogLikelihoodFromMoments(means, covariances, shift, null);    // [draws, k]
        double[] expected = (perContext * weights).sum(-1).data<double>().ToArray();
        Assert.That(weighted, Has.Length.EqualTo(draws));
        for (int m = 0; m < draws; m++) Assert.That(weighted[m], Is.EqualTo(expected[m]).Within(1e-10), $"draw {m}");
    }

    [Test]
    public void StackedModels_GiveEachReplicaItsOwnLikelihood()
    {
        // R models stacked along a leading dimension (the calibration refits trained with the full fit) compute exactly what
        // each computes alone, in both moment likelihoods.
        using var scope = NewDisposeScope();
        Fixture[] models = { Create(20), Create(21), Create(22) };
        var rng = new System.Random(23);
        const int k = 4, draws = 2, r = 3;
        var (means, covariances, _) = Contexts(rng, k);
        var replicaWeights = Enumerable.Range(0, r).Select(_ => Contexts(rng, k).Weights).ToArray();
        Tensor shift = tensor(Enumerable.Range(0, draws * r * k * D).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), new long[] { draws, r, k, D }, dtype: ScalarType.Float64);
        LinearScmTensors one = models[0].Model.Tensors;
        var stacked = new LinearScmTensors(stack(models.Select(m => (Tensor)m.Model.RawWeights).ToArray()), stack(models.Select(m => (Tensor)m.Model.Bias).ToArray()),
            stack(models.Select(m => (Tensor)m.Model.LogScale).ToArray()), one.OffDiagonal, one.Identity);
        Tensor weights = stack(replicaWeights);

        Tensor perContext = LinearCausalModel.LogLikelihoodFromMoments(stacked, means, covariances, shift, null);                         // [draws, r, k]
        Tensor weighted = LinearCausalModel.WeightedLogLikelihoodFromMoments(stacked, means, LinearCausalModel.PooledCovariance(weights, covariances), weights, shift); // [draws, r]
        Assert.That(perContext.shape, Is.EqualTo(new long[] { draws, r, k }));
        Assert.That(weighted.shape, Is.EqualTo(new long[] { draws, r }));
        for (int i = 0; i < r; i++)
        {
            Tensor own = shift.select(1, i);
            double[] alone = models[i].Model.LogLikelihoodFromMoments(means, covariances, own, null).flatten().data<double>().ToArray();
            double[] together = perContext.select(1, i).flatten().data<double>().ToArray();
            Assert.That(together, Is.EqualTo(alone).Within(1e-10), $"replica {i}, per context");
            Tensor pooled = LinearCausalModel.PooledCovariance(replicaWeights[i], covariances);
            double[] aloneWeighted = LinearCausalModel.WeightedLogLikelihoodFromMoments(models[i].Model.Tensors, means, pooled, replicaWeights[i], own).data<double>().ToArray();
            Assert.That(weighted.select(1, i).data<double>().ToArray(), Is.EqualTo(aloneWeighted).Within(1e-10), $"replica {i}, weighted");
        }
    }
}
