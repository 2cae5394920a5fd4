namespace Gim.MLNet.Tests.Support;

/// <summary>Base of the patcher test fixtures: temporary files that are deleted after each test.</summary>
public abstract class TempElfFileTests
{
    private readonly List<string> _temps = [];

    [TearDown]
    public void DeleteTemps()
    {
        foreach (string t in _temps) ElfTestFiles.DeleteQuietly(t);
        _temps.Clear();
    }

    /// <summary>Writes the bytes to a temporary file that the fixture deletes after the test.</summary>
    protected string Temp(byte[] bytes)
    {
        string path = ElfTestFiles.WriteTemp(bytes);
        _temps.Add(path);
        return path;
    }
}
