from django.urls import path

from articles.views import annotations, api, exports, feeds, pages, primary, review, statements, uploads

urlpatterns = [
    path("", statements.statement_list, name="statement_list"),
    path("statements/<int:pk>/", statements.statement_detail, name="statement_detail"),
    path("articles/<int:pk>/", pages.article_detail, name="article_detail"),
    path("speakers/<int:pk>/", pages.speaker_detail, name="speaker_detail"),
    path("speakers/suggestions/", pages.speaker_suggestions, name="speaker_suggestions"),
    path("outlets/<int:pk>/", pages.outlet_detail, name="outlet_detail"),
    path("api/statements/", api.statement_list, name="api_statement_list"),
    path("api/statements/<int:pk>/", api.statement_detail, name="api_statement_detail"),
]

# Journalists' labels and corrections (POST only), and exports.
urlpatterns += [
    path("quotes/<int:pk>/labels/", annotations.label_quote, name="label_quote"),
    path("quotes/<int:pk>/labels/confirm/", annotations.confirm_label, name="confirm_label"),
    path("quotes/<int:pk>/move/", annotations.move_quote, name="move_quote"),
    path("quotes/<int:pk>/speaker/", annotations.change_speaker, name="change_speaker"),
    path("quotes/<int:pk>/reject/", annotations.reject_quote, name="reject_quote"),
    path("statements/<int:pk>/merge/", annotations.merge_statements, name="merge_statements"),
    path("statements/<int:pk>/merge/candidates/", annotations.merge_candidates, name="merge_candidates"),
    path("statements/<int:pk>/merge/preview/", annotations.merge_preview, name="merge_preview"),
    path("statements/<int:pk>/reference/", annotations.set_reference, name="set_reference"),
    path("speakers/<int:pk>/merge/", annotations.merge_speakers, name="merge_speakers"),
    path("audit/<int:pk>/undo/", annotations.undo, name="undo"),
    path("primary/add/", primary.add_primary, name="add_primary"),
    path("primary/jobs/<int:pk>/", primary.primary_job, name="primary_job"),
    path("review/", review.review_queue, name="review_queue"),
    path("review/<int:pk>/confirm/", review.confirm, name="review_confirm"),
    path("review/agreement/", review.review_agreement, name="review_agreement"),
    path("export/statements.csv", exports.statements_csv, name="export_statements_csv"),
    path("export/statements.json", exports.statements_json, name="export_statements_json"),
]

# Admins' uploads, ingested in the background.
urlpatterns += [
    path("upload/", uploads.upload, name="upload"),
    path("upload/jobs/", uploads.job_list, name="job_list"),
    path("upload/jobs/<int:pk>/", uploads.job_detail, name="job_detail"),
]

# Admins' feeds, polled by the worker.
urlpatterns += [
    path("feeds/", feeds.feed_list, name="feed_list"),
    path("feeds/<int:pk>/", feeds.feed_detail, name="feed_detail"),
    path("feeds/<int:pk>/action/", feeds.feed_action, name="feed_action"),
]
