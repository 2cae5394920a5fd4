using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Gim.MLNet.Causal;

/// <summary>
/// Where the covariate features are among the features (<see cref="GimOptions.CovariateFeatures"/>), with their training
/// standardisation: the raw value of covariate k is x_k = z_q·Scale[k] + Mean[k] for slot q = Indices[k].
/// </summary>
internal sealed record CovariateSlots(int[] Indices, double[] Mean, double[] Scale)
{
    /// <summary>The slots <paramref name="indices"/> with their entries of a feature standardisation (<paramref name="mean"/>, <paramref name="scale"/>, p each).</summary>
    public static CovariateSlots At(int[] indices, IReadOnlyList<double> mean, IReadOnlyList<double> scale) =>
        new(indices.ToArray(), indices.Select(q => mean[q]).ToArray(), indices.Select(q => scale[q]).ToArray());
}

/// <summary>
/// The cells' own context, as docs/method.md ("Covariates") writes it: a cell line (or donor, batch) moves every
/// mechanism's intercept by β = U·x_cov, U [d, c] learned, x_cov the raw covariate features (0/1 indicators of the
/// levels other than the reference, so β = 0 at the reference level). β is added to every variable whatever the
/// targets, and neither the dose curve nor the novelty shrinkage scales it: a line's vehicle (dose 0) keeps its line's
/// difference, and a new drug in a known line keeps that line's baseline.
/// </summary>
internal sealed class CovariateShift : nn.Module<Tensor, Tensor>
{
    private readonly Linear _map;
    private readonly Tensor _index, _mean, _scale;

    /// <param name="variables">d.</param>
    /// <param name="slots">Which features are covariates, and their standardisation.</param>
    /// <param name="dtype">The parameters' element type.</param>
    /// <param name="device">The parameters' device.</param>
    public CovariateShift(int variables, CovariateSlots slots, ScalarType dtype = ScalarType.Float32, Device? device = null)
        : base(nameof(CovariateShift))
    {
        Slots = slots;
        _map = nn.Linear(slots.Indices.Length, variables, hasBias: false, device: device, dtype: dtype);
        // Data, not parameters: which slots, and how to undo their standardisation.
        _index = tensor(slots.Indices.Select(i => (long)i).ToArray(), device: device);
        _mean = tensor(slots.Mean.Select(v => (float)v).ToArray(), dtype: dtype, device: device);
        _scale = tensor(slots.Scale.Select(v => (float)v).ToArray(), dtype: dtype, device: device);
        RegisterComponents();
        // No line differs from the reference until the data say so.
        using (no_grad()) _map.weight!.zero_();
    }

    public CovariateSlots Slots { get; }

    /// <summary>U, [d, c].</summary>
    public Linear Map => _map;

    /// <summary>What <see cref="Compute"/> reads besides U: the slots and this module's standardisation of them (stacked replicas stack each one's own).</summary>
    public CovariateInput Input => new(_index, _mean, _scale);

    /// <summary>β per row, [..., d], for standardised features [..., p].</summary>
    public override Tensor forward(Tensor features) => Compute(Input, features, _map.weight!);

    /// <summary>
    /// β = U·x_cov with x_cov = z[slots]·scale + mean: the one place the covariates' shift is computed, for one U [d, c]
    /// (features [K, p]) or R stacked ones ([R, d, c], features [R, K, p]).
    /// </summary>
    public static Tensor Compute(CovariateInput input, Tensor features, Tensor weight) =>
        InterventionEncoder.Affine(features.index_select(-1, input.Index) * input.Scale + input.Mean, weight, null);
}

/// <summary>The covariate slots as tensors: their indices (int64 [c]) and the standardisation to undo ([c] each).</summary>
internal sealed record CovariateInput(Tensor Index, Tensor Mean, Tensor Scale);
