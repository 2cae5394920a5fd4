using Gim.MLNet.Modeling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gim.MLNet;

/// <summary>
/// The up-front schema checks of <see cref="GimEstimator"/> and the peers' estimators (ML.NET convention: fail before any work,
/// with an error naming the column and the type it must have). They run on both schema forms, an
/// estimator's <see cref="SchemaShape"/> and a data view's <see cref="DataViewSchema"/>.
/// </summary>
internal static class PerturbationInputColumns
{
    public const string FloatVector = "a known-size vector of Single (float)";
    private const string ContextTypes = "a key, string (Text) or integer column";

    /// <summary>Which data a message is about: no prefix and parameter "inputSchema" for the estimator's input.</summary>
    /// <param name="Prefix">Put before every message ("Validation data: ").</param>
    /// <param name="ParamName">The exceptions' parameter name.</param>
    private sealed record Source(string Prefix, string ParamName)
    {
        public static readonly Source Input = new("", "inputSchema");
    }

    /// <summary>What the checks need to know about a column, whichever schema it came from.</summary>
    private sealed record Shape(string Name, SchemaShape.Column.VectorKind Kind, DataViewType ItemType, bool IsKey);

    public static void Check(SchemaShape input, PerturbationOptions options, bool training) =>
        Check(input.Select(c => new Shape(c.Name, c.Kind, c.ItemType, c.IsKey)).ToList(), options, training, Source.Input);

    public static void Check(DataViewSchema input, PerturbationOptions options, bool training) =>
        Check(input.Where(c => !c.IsHidden).Select(ShapeOf).ToList(), options, training, Source.Input);

    /// <summary>The training checks on a second data set (validation rows): messages start "<paramref name="name"/>: ", parameter <paramref name="paramName"/>.</summary>
    public static void Check(DataViewSchema input, PerturbationOptions options, string name, string paramName) =>
        Check(input.Where(c => !c.IsHidden).Select(ShapeOf).ToList(), options, training: true, new Source($"{name}: ", paramName));

    public static bool IsInteger(Type t) =>
        t == typeof(sbyte) || t == typeof(byte) || t == typeof(short) || t == typeof(ushort) ||
        t == typeof(int) || t == typeof(uint) || t == typeof(long) || t == typeof(ulong);

    public static bool IsContextType(DataViewType type) =>
        type is KeyDataViewType || type is TextDataViewType || type is NumberDataViewType n && IsInteger(n.RawType);

    private static Shape ShapeOf(DataViewSchema.Column c)
    {
        if (c.Type is VectorDataViewType v)
            return new Shape(c.Name, v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector,
                v.ItemType, v.ItemType is KeyDataViewType);
        return new Shape(c.Name, SchemaShape.Column.VectorKind.Scalar, c.Type, c.Type is KeyDataViewType);
    }

    private static void Check(IReadOnlyList<Shape> input, PerturbationOptions options, bool training, Source source)
    {
        CheckFloatVector(input, options.FeatureColumnName, "features", source);
        if (training || options.ReadsMeasurementsAtPrediction)
            CheckFloatVector(input, options.MeasurementsColumnName, training ? "measurements" : "control cells for counterfactuals", source);
        if (!training) return;
        Shape context = Find(input, options.ContextColumnName, "context", ContextTypes, source);
        if (context.Kind != SchemaShape.Column.VectorKind.Scalar || !IsContextType(context.ItemType))
            throw Mismatch(options.ContextColumnName, "context", ContextTypes, context, source);
        if (options.GroupColumnName is string groupName)
        {
            Shape group = Find(input, groupName, "perturbation group", ContextTypes, source);
            if (group.Kind != SchemaShape.Column.VectorKind.Scalar || !IsContextType(group.ItemType))
                throw Mismatch(groupName, "perturbation group", ContextTypes, group, source);
        }
        if (options.ControlContextValue is null)
        {
            if (string.IsNullOrWhiteSpace(options.ControlColumnName))
                throw new ArgumentException($"{options.GetType().Name}: set ControlColumnName (a Boolean column) or ControlContextValue (the context value of the controls); training needs control cells.", nameof(options));
            Shape control = Find(input, options.ControlColumnName, "control flag", "a Boolean column", source);
            if (control.Kind != SchemaShape.Column.VectorKind.Scalar || control.IsKey || control.ItemType != BooleanDataViewType.Instance)
                throw Mismatch(options.ControlColumnName, "control flag", "a Boolean column", control, source);
        }
    }

    private static void CheckFloatVector(IReadOnlyList<Shape> input, string name, string role, Source source)
    {
        Shape column = Find(input, name, role, FloatVector, source);
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.IsKey || column.ItemType != NumberDataViewType.Single)
            throw Mismatch(name, role, FloatVector, column, source);
    }

    private static Shape Find(IReadOnlyList<Shape> input, string name, string role, string expected, Source source)
    {
        // The last column of a name is the visible one (ML.NET hides earlier ones).
        Shape? column = input.LastOrDefault(c => c.Name == name);
        if (column is not null) return column;
        string available = string.Join(", ", input.Select(c => $"'{c.Name}'").Distinct());
        throw new ArgumentOutOfRangeException(source.ParamName,
            $"{source.Prefix}Column '{name}' ({role}) was not found in the input; expected {expected}. Available columns: {available}.");
    }

    private static ArgumentOutOfRangeException Mismatch(string name, string role, string expected, Shape found, Source source) =>
        new(source.ParamName, $"{source.Prefix}Column '{name}' ({role}): expected {expected}; found {Describe(found)}.{Hint(expected, found)}");

    // ML.NET types a vector declared with length 0 as variable-size, so "no features" surfaces as this mismatch.
    private static string Hint(string expected, Shape found) =>
        expected == FloatVector && found.Kind == SchemaShape.Column.VectorKind.VariableVector
            ? " Give the column a fixed size (VectorType(n) or a SchemaDefinition column type) of at least 1: ML.NET gives a vector declared with length 0 no known size, and a model needs at least one feature and one variable."
            : "";

    private static string Describe(Shape c)
    {
        string item = c.ItemType.ToString() ?? c.ItemType.RawType.Name;
        return c.Kind switch
        {
            SchemaShape.Column.VectorKind.Vector => $"a known-size vector of {item}",
            SchemaShape.Column.VectorKind.VariableVector => $"a variable-size vector of {item}",
            _ => $"a scalar {item}",
        };
    }
}
