/// Which converter class's `set_vocab` to reproduce; the classes differ in the
/// fallbacks they try and in a few model-specific keys.
///
/// Each ``ArchitectureDescriptor`` names the one its architecture follows.
public enum VocabRecipe: Sendable, Equatable {
    /// `LlamaModel.set_vocab` (LlamaForCausalLM, MistralForCausalLM, ...):
    /// `add_prefix_space` from tokenizer_config.json, then `tokenizer.model`, then a
    /// SentencePiece-style `tokenizer.json` (llama), then byte-level BPE (gpt2); plus the
    /// CodeLlama (vocab 32016) EOT id and `add_bos_token = false` for vocab 49152.
    case llama
    /// `Qwen2Model.set_vocab` (Qwen2, Qwen3): `tokenizer.model`, else BPE (gpt2).
    case sentencePieceThenBPE
}
