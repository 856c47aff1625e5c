#!/usr/bin/env python3
"""Writes sentencePieceReference.json: what SentencePiece itself does with the model makers'
own tokenizer.model files, for the tests of the lab's Llama 2 and Mistral 7B tokenizers
(src/engine/tokenizerLabReference.test.ts). Run by hand, once, where the files are:

    /usr/bin/python3 tools/tokenizers/sentencePieceReference.py \\
        --llama-2 <Meta's Llama 2 tokenizer.model> --mistral-7b <Mistral 7B's tokenizer.model>

(Debian: apt-get install python3-sentencepiece.) Neither file is on npm, so CI cannot run
this; it only reads the JSON. For each model: the file's size, md5 and sha256 (the script
refuses a file whose md5 is not the one its makers published), the SHA-256 of its pieces in id
order joined by newlines (UTF-8), and for each text the ids `encode(text)` gives: the
dummy-prefix space added, no <s> (the lab's `encode` and the infini-gram API's convention).
The texts are SAMPLE below and the lab's parity sentences.
"""
import argparse
import hashlib
import json
import os

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, 'sentencePieceReference.json')
PARITY = os.path.join(REPO, 'src', 'core', 'tokenizers', 'parity', 'parallelSentences.json')

# md5 of tokenizer.model as published by the makers: Meta's tokenizer_checklist.chk for
# Llama 2; the checksum list of Mistral AI's mistral-7B-v0.1 release.
MODELS = {
    'llama-2': {'name': "Meta Llama 2 tokenizer.model", 'md5': 'eeec4125e9c7560836b4873b6f8e3025'},
    'mistral-7b': {'name': 'Mistral 7B v0.1 tokenizer.model', 'md5': '37974873eb68a7ab30c4912fc36264ae'},
}

SAMPLE = [
    '',
    'natural language processing',
    'University of Washington',
    'Hello world!',
    'The quick brown fox jumps over the lazy dog.',
    'Grüße aus München: Äpfel, Öl und Übermut – die Straße, das Maß, ÄÖÜ äöü ß.',
    '自然语言处理是人工智能的一个重要分支。',
    '東京の天気は晴れです。カタカナとひらがなと漢字、ｶﾀｶﾅ。',
    'Emoji: 😀👍🏽👨‍👩‍👧‍👦 🇫🇷 ❤️ and a hieroglyph 𓀀.',
    'def add(a, b):\n    return a + b  # 42\n',
    'function f(x) {\n\treturn x ** 2; // square\n}\n\n',
    'if (a<=b && c!=d) { x[i] = y->z; } /* ok */',
    'Digits: 0 7 12345 3.14159 2025-01-31 1,000,000 +1 (555) 010-9999',
    '   three leading spaces',
    'two trailing spaces  ',
    '  both  ',
    ' ',
    '    ',
    '\n',
    'Tokenizers cut 12345 apples 😀 in 2024, naïve café, 𓀀!',
    'Naïve café, Ærøskøbing, İstanbul, straße, ﬁne.',
    'Здравствуй, мир! Γειά σου κόσμε! שלום עולם! مرحبا بالعالم! नमस्ते दुनिया! สวัสดีชาวโลก! 안녕하세요 세계!',
    'The Eiffel Tow',
    'The capital of France is ',
    'the State of the Uni',
    'a literal ▁ metaspace and ▁▁ two',
]


def file_digests(path):
    data = open(path, 'rb').read()
    return {'bytes': len(data), 'md5': hashlib.md5(data).hexdigest(), 'sha256': hashlib.sha256(data).hexdigest()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    for model_id in MODELS:
        parser.add_argument(f'--{model_id}', required=True, metavar='tokenizer.model')
    args = parser.parse_args()
    parity = json.load(open(PARITY, encoding='utf-8'))
    texts = SAMPLE + [s['text'][lang['code']] for s in parity['sentences'] for lang in parity['languages']]
    models = {}
    for model_id, known in MODELS.items():
        path = getattr(args, model_id.replace('-', '_'))
        digests = file_digests(path)
        if digests['md5'] != known['md5']:
            raise SystemExit(f'{path}: md5 {digests["md5"]}, not the published {known["md5"]} of {known["name"]}')
        sp = spm.SentencePieceProcessor(model_file=path)
        pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())]
        models[model_id] = {
            'file': known['name'],
            **digests,
            'pieces': len(pieces),
            'piecesSha256': hashlib.sha256('\n'.join(pieces).encode('utf-8')).hexdigest(),
            'ids': [sp.encode(text) for text in texts],
        }
    out = {
        'about': 'Written by tools/tokenizers/sentencePieceReference.py: SentencePiece on the makers\' tokenizer.model files. Do not edit.',
        'sentencepiece': spm.__version__,
        'texts': texts,
        'models': models,
    }
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, separators=(',', ':'))
        f.write('\n')
    print(f'{OUT}: {len(texts)} texts, ' + ', '.join(f'{m} {v["pieces"]} pieces' for m, v in models.items()))


if __name__ == '__main__':
    main()
