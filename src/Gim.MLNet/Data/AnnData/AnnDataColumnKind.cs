namespace Gim.MLNet.Data.AnnData;

/// <summary>How an obs column is stored and exposed.</summary>
public enum AnnDataColumnKind
{
    /// <summary>float32 values (<see cref="AnnDataNumericColumn{T}"/> of float).</summary>
    Float32,

    /// <summary>float64 values (<see cref="AnnDataNumericColumn{T}"/> of double).</summary>
    Float64,

    /// <summary>Integers of any width, widened to long (<see cref="AnnDataNumericColumn{T}"/> of long).</summary>
    Integer,

    /// <summary>Booleans (<see cref="AnnDataBooleanColumn"/>).</summary>
    Boolean,

    /// <summary>A pandas categorical: codes and categories (<see cref="AnnDataCategoricalColumn"/>).</summary>
    Categorical,

    /// <summary>Strings (<see cref="AnnDataStringColumn"/>).</summary>
    String,
}
