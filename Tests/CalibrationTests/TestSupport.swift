/// A tokenizer whose tokens are the text's Unicode scalars, so positions can be checked by hand.
func scalarTokens(_ text: String) -> [Int32] {
    text.unicodeScalars.map { Int32(bitPattern: $0.value) }
}

func scalarText(_ tokens: some Sequence<Int32>) -> String {
    String(String.UnicodeScalarView(tokens.map { Unicode.Scalar(UInt32(bitPattern: $0))! }))
}
