from articles.nlp import embedding


def test_the_sentence_model_is_installed_so_matching_uses_meaning_not_only_words():
    assert embedding.available()


def test_translations_of_one_sentence_are_closer_than_unrelated_sentences():
    a, b, c = embedding.encode(
        texts=[
            "we have consistently adhered to the basic principles of objectivity and impartiality",
            "we have consistently upheld the fundamental principles of objectivity and impartiality",
            "the harbor bridge will open in June as promised",
        ]
    )
    assert float(a.sentence @ b.sentence) > float(a.sentence @ c.sentence) + 0.3
