using System;

namespace Gim.MLNet.Build
{
    /// <summary>The file is not a well-formed 64-bit little-endian ELF object, or a table it
    /// declares points outside the file.</summary>
    public sealed class ElfFormatException : Exception
    {
        /// <summary>Creates the exception with a message that says what was expected.</summary>
        public ElfFormatException(string message) : base(message) { }
    }
}
