"""The spaCy pipeline, loaded once per process and never at import time."""

import functools

import spacy
from django.conf import settings
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

# Quotes and attribution use the tagger, parser and NER. The lemmatizer is left out: speech cues are
# matched on word forms (measured on the seeds x40: no accuracy change, parse speed within noise).
EXCLUDED_COMPONENTS = ["lemmatizer"]


@Language.component("paragraph_sentences")
def paragraph_sentences(doc: Doc) -> Doc:
    """Start a sentence after every blank line so headlines and paragraphs never merge in the parse."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


# A closing mark glued to the next word ("…help them,”Hawley continued") is its own token: otherwise the
# speaker's name is the token "them,”Hawley".
GLUED_QUOTE_MARK = r"(?<=[\w,.!?;:])[”“\"](?=[A-Za-z])"
# So is the comma or colon before an opening mark ("Ryan said,“Look …", "Clinton:\"We …"): otherwise the
# tokens are "said," and "Clinton:", and the cue is lost.
GLUED_CUE_PUNCTUATION = r"(?<=[\w)])[,:](?=[“\"])"


@functools.cache
def load_pipeline() -> Language:
    nlp = spacy.load(settings.SPACY_MODEL, exclude=EXCLUDED_COMPONENTS)
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    infixes = [*(nlp.Defaults.infixes or ()), GLUED_QUOTE_MARK, GLUED_CUE_PUNCTUATION]
    tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("paragraph_sentences", before="parser")
    return nlp
