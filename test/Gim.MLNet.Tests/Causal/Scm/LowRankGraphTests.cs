using Gim.MLNet.Causal;
using static TorchSharp.torch;

namespace Gim.MLNet.Tests.Causal.Scm;

/// <summary>
/// The factored graph of <see cref="GimOptions.GraphRank"/>: B = U Vᵀ with a zero diagonal, whose pooled likelihood uses
/// the matrix determinant lemma and O(d² r) products. Checked in float64 against the dense likelihood of the same B.
/// </summary>
public class LowRankGraphTests
{
    private const int D = 7, Rank = 3, K = 5, Draws = 2;

    private static Tensor Random(Random rng, double scale, params long[] shape) =>
        tensor(Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray(), shape, dtype: ScalarType.Float64);

    /// <summary>A factored model with random U, V, b, log s (so that 1 + U_j·V_j is far from 1) and contexts' moments.</summary>
    private static (LinearCausalModel Model, Tensor Means, Tensor Pooled, Tensor Weights, Tensor Shift) Create(int seed)
    {
        var rng = new Random(seed);
        var model = new LinearCausalModel(D, ScalarType.Float64, graphRank: Rank);
        LinearScmTensors t = model.Tensors;
        using (no_grad())
        {
            t.CauseFactor!.copy_(Random(rng, 0.6, D, Rank));
            t.EffectFactor!.copy_(Random(rng, 0.6, D, Rank));
            model.Bias.copy_(Random(rng, 1.0, D));
            model.LogScale.copy_(Random(rng, 0.5, D));
        }
        Tensor cells = Random(rng, 1.5, 40, D);
        Tensor centred = cells - cells.mean(new long[] { 0 });
        Tensor pooled = matmul(centred.t(), centred) / 40 + eye(D, dtype: ScalarType.Float64) * 0.1;
        double[] w = Enumerable.Range(0, K).Select(_ => 0.1 + rng.NextDouble()).ToArray();
        Tensor weights = tensor(w.Select(x => x / w.Sum()).ToArray(), dtype: ScalarType.Float64);
        return (model, Random(rng, 1.0, K, D), pooled, weights, Random(rng, 1.0, Draws, K, D));
    }

    /// <summary>The same model read densely: B = U Vᵀ written into the weights, no factors.</summary>
    private static LinearScmTensors Dense(LinearScmTensors factored) =>
        new(matmul(factored.CauseFactor!, factored.EffectFactor!.t()), factored.Bias, factored.LogScale, factored.OffDiagonal, factored.Identity);

    [Test]
    public void Weights_AreTheFactorsProductWithAZeroDiagonal()
    {
        using var scope = NewDisposeScope();
        var (model, _, _, _, _) = Create(1);
        LinearScmTensors t = model.Tensors;
        double[] b = model.Weights().data<double>().ToArray();
        double[] u = t.CauseFactor!.data<double>().ToArray(), v = t.EffectFactor!.data<double>().ToArray();
        for (int i = 0; i < D; i++)
            for (int j = 0; j < D; j++)
            {
                double expected = i == j ? 0 : Enumerable.Range(0, Rank).Sum(r => u[i * Rank + r] * v[j * Rank + r]);
                Assert.That(b[i * D + j], Is.EqualTo(expected).Within(1e-14), $"B[{i}, {j}]");
            }
        Assert.That(model.GraphRank, Is.EqualTo(Rank));
    }

    [Test]
    public void FactoredLikelihood_EqualsTheDenseLikelihoodOfTheSameGraph_AndSoDoItsGradients()
    {
        using var scope = NewDisposeScope();
        var (model, means, pooled, weights, shift) = Create(2);
        LinearScmTensors factored = model.Tensors;
        Tensor low = LinearCausalModel.WeightedLogLikelihoodFromMoments(factored, means, pooled, weights, shift);
        Tensor dense = LinearCausalModel.WeightedLogLikelihoodFromMoments(Dense(factored), means, pooled, weights, shift);
        Assert.That(low.shape, Is.EqualTo(new long[] { Draws }));
        AssertSameValuesAndGradients(model, low, dense);
    }

    /// <summary>The factored and dense values agree to 1e-10, and their gradients in U, V, b and log s to 1e-9.</summary>
    private static void AssertSameValuesAndGradients(LinearCausalModel model, Tensor low, Tensor dense)
    {
        Assert.That(low.data<double>().ToArray(), Is.EqualTo(dense.data<double>().ToArray()).Within(1e-10));
        LinearScmTensors factored = model.Tensors;
        Tensor[] parameters = { factored.CauseFactor!, factored.EffectFactor!, model.Bias, model.LogScale };
        Tensor[] lowGradients = autograd.grad(new[] { low.sum() }, parameters).ToArray();
        Tensor[] denseGradients = autograd.grad(new[] { dense.sum() }, parameters).ToArray();
        string[] names = { "U", "V", "b", "log s" };
        for (int i = 0; i < parameters.Length; i++)
            Assert.That(lowGradients[i].data<double>().ToArray(), Is.EqualTo(denseGradients[i].data<double>().ToArray()).Within(1e-9), names[i]);
    }

    /// <summary>
    /// Known knockdowns from the pool and the targets' covariance rows with a factored graph read everything from U and V
    /// (Woodbury for A⁻¹'s entries among the targets, the targets' rows of Bᵀ from the factors): the same value and
    /// gradients as the dense form of the same B, in float64, for groups with two, one and no targets (padded).
    /// </summary>
    [Test]
    public void FactoredKnockdownRows_EqualTheDenseFormOfTheSameGraph_AndSoDoTheirGradients()
    {
        using var scope = NewDisposeScope();
        var (model, means, _, weights, shift) = Create(11);
        var rng = new Random(4);
        var covariances = new Tensor[K];
        for (int k = 0; k < K; k++)
        {
            Tensor cells = Random(rng, 1.0 + 0.2 * k, 25 + 3 * k, D);
            Tensor centred = cells - cells.mean(new long[] { 0 });
            covariances[k] = matmul(centred.t(), centred) / cells.shape[0];
        }
        Tensor pooled = LinearCausalModel.PooledCovariance(weights, stack(covariances));
        int[][] declared = { new[] { 1, 4 }, new[] { 2 }, Array.Empty<int>(), new[] { 0, 6 }, new[] { 0 } };   // a real target 0 beside padding (index 0)
        var index = new long[K * 2];
        var valid = new double[K * 2];
        Tensor values = zeros(K, 2, D, dtype: ScalarType.Float64);
        var gainValues = Enumerable.Repeat(1.0, K * D).ToArray();
        for (int k = 0; k < K; k++)
            for (int q = 0; q < declared[k].Length; q++)
            {
                index[k * 2 + q] = declared[k][q];
                valid[k * 2 + q] = 1;
                values[k, q] = covariances[k][declared[k][q]];
                gainValues[k * D + declared[k][q]] = 0.2 + 0.15 * q + 0.1 * k;   // h: what remains of the target
            }
        using var rows = new Gim.MLNet.Modeling.CovarianceRows(tensor(index, new long[] { K, 2 }), tensor(valid, new long[] { K, 2 }, dtype: ScalarType.Float64), values);
        Tensor gain = tensor(gainValues, new long[] { K, D }, dtype: ScalarType.Float64);
        Tensor logScale = gain.log();

        LinearScmTensors factored = model.Tensors;
        Assert.That((1 + (factored.CauseFactor! * factored.EffectFactor!).sum(-1)).abs().min().item<double>(), Is.GreaterThan(LinearCausalModel.FactoredEntriesFloor),
            "the factored branch is the one under test");
        Tensor low = LinearCausalModel.WeightedLogLikelihoodWithKnockdownRows(factored, means, pooled, weights, shift, logScale, gain, rows);
        Tensor dense = LinearCausalModel.WeightedLogLikelihoodWithKnockdownRows(factored, means, pooled, weights, shift, logScale, gain, rows, factored.Weights());
        AssertSameValuesAndGradients(model, low, dense);
    }

    [Test]
    public void GraphL1_OfTheFactors_IsTheOffDiagonalL1_WithItsGradient()
    {
        using var scope = NewDisposeScope();
        var (model, _, _, _, _) = Create(7);
        LinearScmTensors factored = model.Tensors;
        Tensor low = factored.GraphL1();
        Tensor masked = factored.Weights().abs().sum();
        Assert.That(low.item<double>(), Is.EqualTo(masked.item<double>()).Within(1e-12));
        Tensor[] parameters = { factored.CauseFactor!, factored.EffectFactor! };
        Tensor[] a = autograd.grad(new[] { low }, parameters).ToArray(), b = autograd.grad(new[] { masked }, parameters).ToArray();
        for (int i = 0; i < 2; i++) Assert.That(a[i].data<double>().ToArray(), Is.EqualTo(b[i].data<double>().ToArray()).Within(1e-12));

        // Stacked factors [R, d, r]: each replica's own ‖B‖₁.
        var others = new[] { Create(8).Model, Create(9).Model };
        var stacked = factored with
        {
            CauseFactor = stack(new[] { factored.CauseFactor!, others[0].Tensors.CauseFactor!, others[1].Tensors.CauseFactor! }),
            EffectFactor = stack(new[] { factored.EffectFactor!, others[0].Tensors.EffectFactor!, others[1].Tensors.EffectFactor! }),
        };
        double[] each = stacked.GraphL1().data<double>().ToArray();
        Assert.That(each, Is.EqualTo(new[] { masked.item<double>(), others[0].Weights().abs().sum().item<double>(), others[1].Weights().abs().sum().item<double>() })
            .Within(1e-12));
    }

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(4)]
    public void GraphL1_InBlocksOfRows_IsTheOffDiagonalL1_WithItsGradient(int rowsPerBlock)
    {
        // Blocks of 3 rows over d = 7: rows 0–2, 3–5 and a short last block, 6; each block's diagonal sits at its own offset.
        using var scope = NewDisposeScope();
        var models = new[] { Create(10).Model, Create(11).Model };
        Tensor u = stack(models.Select(m => m.Tensors.CauseFactor!).ToArray()), v = stack(models.Select(m => m.Tensors.EffectFactor!).ToArray());
        Tensor blocked = LinearScmTensors.FactoredL1(u, v, rowsPerBlock);                           // [2]
        Tensor masked = (matmul(u, v.transpose(-1, -2)) * models[0].Tensors.OffDiagonal).abs().sum(new long[] { -2, -1 });
        Assert.That(blocked.data<double>().ToArray(), Is.EqualTo(masked.data<double>().ToArray()).Within(1e-12));
        Tensor[] a = autograd.grad(new[] { blocked.sum() }, new[] { u, v }).ToArray(), b = autograd.grad(new[] { masked.sum() }, new[] { u, v }).ToArray();
        for (int i = 0; i < 2; i++) Assert.That(a[i].data<double>().ToArray(), Is.EqualTo(b[i].data<double>().ToArray()).Within(1e-12), i == 0 ? "U" : "V");
    }

    /// <summary>
    /// The lemma divides by D_j = 1 + U_j·V_j, which nothing keeps from 0: close to it (1e-2) the lemma still equals the dense
    /// form; within <see cref="LinearCausalModel.LemmaFloor"/> of it the step reads A itself. Both equal the dense likelihood.
    /// </summary>
    [TestCase(1e-2)]
    [TestCase(1e-4)]
    [TestCase(0.0)]
    public void WhereOnePlusUjVjNearsZero_TheFactoredLikelihoodStillEqualsTheDenseOne(double gap)
    {
        using var scope = NewDisposeScope();
        var (model, means, pooled, weights, shift) = Create(12);
        LinearScmTensors factored = model.Tensors;
        using (no_grad())
        {
            // Move V_2 along U_2 so that U_2·V_2 = −1 + gap.
            Tensor u2 = factored.CauseFactor![2], v2 = factored.EffectFactor![2];
            double q = (u2 * v2).sum().item<double>(), norm = u2.square().sum().item<double>();
            v2.add_(u2 * ((-1 + gap - q) / norm));
        }
        Assert.That((factored.CauseFactor![2] * factored.EffectFactor![2]).sum().item<double>(), Is.EqualTo(-1 + gap).Within(1e-12));
        double[] low = LinearCausalModel.WeightedLogLikelihoodFromMoments(factored, means, pooled, weights, shift).data<double>().ToArray();
        double[] dense = LinearCausalModel.WeightedLogLikelihoodFromMoments(Dense(factored), means, pooled, weights, shift).data<double>().ToArray();
        Assert.That(low.All(double.IsFinite), Is.True);
        Assert.That(low, Is.EqualTo(dense).Within(1e-9));
    }

    [Test]
    public void StackedFactoredModels_GiveEachReplicaItsOwnLikelihood()
    {
        // The calibration refits train stacked with the full fit: [R, d, r] factors compute what each model computes alone.
        using var scope = NewDisposeScope();
        var fixtures = new[] { Create(3), Create(4), Create(5) };
        LinearScmTensors one = fixtures[0].Model.Tensors;
        var stacked = new LinearScmTensors(one.RawWeights, stack(fixtures.Select(f => (Tensor)f.Model.Bias).ToArray()),
            stack(fixtures.Select(f => (Tensor)f.Model.LogScale).ToArray()), one.OffDiagonal, one.Identity)
        {
            CauseFactor = stack(fixtures.Select(f => f.Model.Tensors.CauseFactor!).ToArray()),
            EffectFactor = stack(fixtures.Select(f => f.Model.Tensors.EffectFactor!).ToArray()),
        };
        Tensor weights = stack(fixtures.Select(f => f.Weights).ToArray());                       // [R, K]
        Tensor pooled = stack(fixtures.Select(f => f.Pooled).ToArray());                          // [R, d, d]
        Tensor shift = stack(fixtures.Select(f => f.Shift).ToArray(), 1);                         // [M, R, K, d]
        Tensor means = fixtures[0].Means;
        Tensor together = LinearCausalModel.WeightedLogLikelihoodFromMoments(stacked, means, pooled, weights, shift);
        Assert.That(together.shape, Is.EqualTo(new long[] { Draws, 3 }));
        for (int r = 0; r < 3; r++)
        {
            var f = fixtures[r];
            double[] alone = LinearCausalModel.WeightedLogLikelihoodFromMoments(Dense(f.Model.Tensors), means, f.Pooled, f.Weights, f.Shift).data<double>().ToArray();
            Assert.That(together.select(1, r).data<double>().ToArray(), Is.EqualTo(alone).Within(1e-10), $"replica {r}");
        }
    }

    [Test]
    public void Materialize_WritesTheGraphDense_AndTheLikelihoodIsUnchanged()
    {
        using var scope = NewDisposeScope();
        var (model, means, pooled, weights, shift) = Create(6);
        double[] graph = model.Weights().data<double>().ToArray();
        double[] before = LinearCausalModel.WeightedLogLikelihoodFromMoments(model.Tensors, means, pooled, weights, shift).data<double>().ToArray();
        model.Materialize();
        Assert.That(model.GraphRank, Is.Zero);
        Assert.That(model.Tensors.CauseFactor, Is.Null);
        Assert.That(model.Weights().data<double>().ToArray(), Is.EqualTo(graph).Within(1e-15));
        double[] after = LinearCausalModel.WeightedLogLikelihoodFromMoments(model.Tensors, means, pooled, weights, shift).data<double>().ToArray();
        Assert.That(after, Is.EqualTo(before).Within(1e-10));
        // Its mean is the dense closed form's: A⁻¹(b + δ).
        Tensor a = eye(D, dtype: ScalarType.Float64) - model.Weights().t();
        Tensor expected = linalg.solve(a, (model.Bias + shift[0, 0]).unsqueeze(-1)).squeeze(-1);
        Assert.That(model.Mean(shift[0, 0]).data<double>().ToArray(), Is.EqualTo(expected.data<double>().ToArray()).Within(1e-12));
    }

    [TestCase(-1)]
    [TestCase(D)]
    [TestCase(D + 3)]
    public void Constructor_RefusesARankOutside1ToDMinus1(int rank)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LinearCausalModel(D, ScalarType.Float64, graphRank: rank));
        Assert.That(error!.Message, Does.Contain("d − 1 = 6"));
    }
}
