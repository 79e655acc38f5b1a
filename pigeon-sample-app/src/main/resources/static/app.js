// The page of Pigeon's sample: a form that writes items through the REST API, and a list of the
// changes that Pigeon's listener forwards through Server-Sent Events.
'use strict';

const form = document.getElementById('item-form');
const message = document.getElementById('message');
const status = document.getElementById('status');
const changes = document.getElementById('changes');
const itemRows = document.querySelector('#items tbody');

function setStatus(state, text) {
	status.dataset.state = state;
	status.textContent = text;
}

function showChange(change) {
	const entry = document.createElement('li');
	entry.className = 'change';
	const action = document.createElement('span');
	action.className = 'action ' + change.action;
	action.textContent = change.action;
	const where = document.createElement('span');
	where.textContent = ' ' + change.schema + '.' + change.table + ' ';
	const channel = document.createElement('span');
	channel.className = 'channel';
	channel.textContent = '(channel ' + change.channel + ', ' + new Date().toLocaleTimeString() + ')';
	entry.append(action, where, channel);
	if (change.old) {
		entry.append(json('old', change.old));
	}
	if (change.data) {
		entry.append(json(change.old ? 'new' : 'data', change.data));
	}
	changes.prepend(entry);
}

function json(label, value) {
	const block = document.createElement('pre');
	block.textContent = label + ': ' + JSON.stringify(value);
	return block;
}

async function loadItems() {
	const response = await fetch('/api/items');
	const items = await response.json();
	itemRows.replaceChildren(...items.map(itemRow));
}

function itemRow(item) {
	const row = document.createElement('tr');
	for (const value of [item.item_no, item.item_description, Number(item.price).toFixed(2),
		new Date(item.updated_at).toLocaleString(), JSON.stringify(item.attributes)]) {
		const cell = document.createElement('td');
		cell.textContent = value;
		row.append(cell);
	}
	row.addEventListener('click', () => {
		form.itemNo.value = item.item_no;
		form.description.value = item.item_description;
		form.price.value = Number(item.price).toFixed(2);
	});
	return row;
}

async function submit(event) {
	event.preventDefault();
	message.textContent = '';
	const operation = event.submitter ? event.submitter.value : 'insert';
	const itemNo = form.itemNo.value;
	if (operation !== 'insert' && !itemNo) {
		message.textContent = 'Enter the number of the item to ' + operation;
		return;
	}
	const body = JSON.stringify({
		description: form.description.value,
		price: form.price.value === '' ? null : form.price.value,
	});
	const request = {
		insert: ['POST', '/api/items', body],
		update: ['PUT', '/api/items/' + itemNo, body],
		delete: ['DELETE', '/api/items/' + itemNo, undefined],
	}[operation];
	const response = await fetch(request[1], {
		method: request[0],
		headers: { 'Content-Type': 'application/json' },
		body: request[2],
	});
	if (!response.ok) {
		const problem = await response.json().catch(() => ({}));
		message.textContent = problem.detail || (operation + ' failed: HTTP ' + response.status);
		return;
	}
	if (operation === 'insert') {
		form.itemNo.value = (await response.json()).item_no;
	}
}

form.addEventListener('submit', submit);

const stream = new EventSource('/api/changes');
stream.addEventListener('open', () => {
	setStatus('live', 'live');
	loadItems();
});
stream.addEventListener('error', () => setStatus('reconnecting', 'reconnecting…'));
stream.addEventListener('change', (event) => {
	showChange(JSON.parse(event.data));
	loadItems();
});
