#!/usr/bin/env python3
"""Writes the per-tensor type golden from llama-quantize's outputs (see make-policy-goldens.sh).

Usage: record_policy_golden.py MANIFEST OUT.json
       record_policy_golden.py dump FILE.gguf > FILE.tsv   (the tensor list, so the GGUF can go)
MANIFEST is tab-separated, one line per model and per case:
  model  NAME  F16_GGUF
  case   MODEL  FILE_TYPE  OPTIONS_JSON  IMATRIX(0|1)  STATUS  OUTPUT_TSV  LOG
Each model is stored once as a tensor template (the globals, then one block that every layer
repeats), checked against llama-quantize's actual tensor order; each case as one character per
tensor in that order (see "codes"), or, when llama-quantize refused, the tensor and type it named."""
import json, re, sys
import gguf

CODES = {'f32': 'F', 'f16': 'H', 'bf16': 'B', 'q8_0': '8', 'q4_0': '4', 'q4_1': 'a', 'q5_0': '5', 'q5_1': 'b',
         'q2_K': '2', 'q3_K': '3', 'q4_K': 'k', 'q5_K': 'm', 'q6_K': '6', 'iq4_nl': 'n', 'iq4_xs': 'x',
         'iq2_xxs': 'u', 'iq2_xs': 'v', 'iq3_xxs': 'w', 'iq3_s': 's', 'iq2_s': 't', 'iq1_s': 'o', 'iq1_m': 'p'}


def tensors(path):
    reader = gguf.GGUFReader(path)
    return reader, [(t.name, [int(d) for d in t.shape], t.tensor_type.name.lower().replace('_k', '_K'))
                    for t in reader.tensors]


def dumped(path):
    """The tensor list `dump` wrote: name, shape, type."""
    out = []
    for line in open(path, encoding='utf-8'):
        name, shape, ty = line.rstrip('\n').split('\t')
        out.append((name, [int(d) for d in shape.split('x')], ty))
    return out


def dump(path):
    for name, shape, ty in tensors(path)[1]:
        print(f"{name}\t{'x'.join(map(str, shape))}\t{ty}")


def field(reader, key):
    f = reader.fields[key]
    value = f.parts[f.data[0]]
    return bytes(value).decode() if f.types[0] == gguf.GGUFValueType.STRING else int(value[0])


def layer_of(name):
    m = re.match(r'blk\.(\d+)\.', name)
    return int(m.group(1)) if m else -1


def template(listing):
    """Globals and the block template; raises if the listing is not globals + every block alike."""
    globals_ = [t for t in listing if layer_of(t[0]) < 0]
    block = [(n.split('.', 2)[2], s, ty) for n, s, ty in listing if layer_of(n) == 0]
    layers = max(layer_of(n) for n, _, _ in listing) + 1
    expanded = globals_ + [(f'blk.{i}.{n}', s, ty) for i in range(layers) for n, s, ty in block]
    if expanded != listing:
        raise SystemExit('tensor order is not globals followed by identical blocks')
    entry = lambda n, s, ty: f"{n} {'x'.join(map(str, s))} {CODES[ty]}"
    return [entry(*t) for t in globals_], [entry(*t) for t in block], layers


def main(manifest, out):
    models, cases, listings = [], [], {}
    for line in open(manifest, encoding='utf-8'):
        kind, *rest = line.rstrip('\n').split('\t')
        if kind == 'model':
            name, path = rest
            reader, listing = tensors(path)
            # llama-quantize's order: its loader sorts by block number, then by name.
            listing.sort(key=lambda t: (layer_of(t[0]), t[0]))
            arch = field(reader, 'general.architecture')
            globals_, block, layers = template(listing)
            if layers != field(reader, f'{arch}.block_count'):
                raise SystemExit(f'{name}: {layers} blocks of tensors, block_count says otherwise')
            models.append({'name': name, 'architecture': arch, 'layers': layers,
                           'heads': field(reader, f'{arch}.attention.head_count'),
                           'kvHeads': field(reader, f'{arch}.attention.head_count_kv'),
                           'globals': globals_, 'block': block})
            listings[name] = [(n, s) for n, s, _ in listing]
        else:
            model, file_type, options, imatrix, status, path, log = rest
            text = open(log, encoding='utf-8', errors='replace').read()
            entries = re.findall(r'have (\d+) importance matrix entries', text)
            case = {'model': model, 'fileType': file_type, 'options': json.loads(options),
                    'imatrix': imatrix == '1', 'imatrixEntries': int(entries[-1]) if entries else 0}
            if status != '0':
                # Refused before writing (no matrix at all), or at the first tensor the matrix lacks.
                if m := re.search(r'offending tensor: (\S+)\s+- target type: (\S+)', text):
                    case['refused'] = {'tensor': m.group(1), 'type': m.group(2), 'reason': 'noImportanceMatrix'}
                elif m := re.search(r'Missing importance matrix for tensor (\S+)', text):
                    case['refused'] = {'tensor': m.group(1), 'reason': 'missingEntry'}
                else:
                    raise SystemExit(f'{model} {file_type} {options}: llama-quantize failed:\n{text[-2000:]}')
            else:
                listing = dumped(path)
                if listings[model] != [(n, s) for n, s, _ in listing]:
                    raise SystemExit(f"{model} {file_type}: llama-quantize's tensor list or order is not the model's")
                case['types'] = ''.join(CODES[ty] for _, _, ty in listing)
            cases.append(case)
    golden = {'generator': 'scripts/make-policy-goldens.sh',
              'codes': {v: k for k, v in CODES.items()},
              'note': 'globals and block: "name shape(GGUF order) source-type-code"; types: one code per tensor, '
                      'globals then blk.0 ... in the block order',
              'models': models, 'cases': cases}
    with open(out, 'w', encoding='utf-8') as f:
        json.dump(golden, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    if sys.argv[1] == 'dump':
        dump(sys.argv[2])
    else:
        main(*sys.argv[1:])
