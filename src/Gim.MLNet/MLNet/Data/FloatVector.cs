using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>The column type every model input and output has: a known-size vector of Single.</summary>
internal static class FloatVector
{
    /// <summary>True when <paramref name="type"/> is Vector&lt;Single, <paramref name="size"/>&gt;.</summary>
    public static bool Is(DataViewType type, int size) =>
        type is VectorDataViewType { ItemType: NumberDataViewType item } vector && item == NumberDataViewType.Single && vector.Size == size;
}
