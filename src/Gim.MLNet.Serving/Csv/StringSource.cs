using Microsoft.ML.Data;

namespace Gim.MLNet.Serving;

/// <summary>Text in memory as an ML.NET file source, so stdin and files load the same way.</summary>
internal sealed class StringSource(string text) : IMultiStreamSource
{
    public int Count => 1;

    public string GetPathOrNull(int index) => "input.csv";

    public Stream Open(int index) => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text), writable: false);

    public TextReader OpenTextReader(int index) => new StringReader(text);
}
